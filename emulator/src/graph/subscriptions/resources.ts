import { graphErrors } from "../../errors/graph-error.ts";
import type { Principal } from "../../http/principal.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { SubscriptionTarget, TenantState } from "../../store/types.ts";
import { findUser } from "../../directory/users.ts";
import type { OperationPermissions } from "../operation.ts";

/**
 * The resources the emulator sends change notifications for, what a
 * subscription to each needs, and how long it may live.
 *
 * Permissions: "creating a subscription requires read scope to the resource"
 * (api/subscription-post-subscriptions.md: event Calendars.Read, user
 * User.Read.All, least privileged first); the more privileged permissions that
 * include reading are accepted too. Lifetimes: the change-notifications
 * overview's table (users: 41,760 minutes); for Outlook events live Graph
 * refuses more than 10,070 minutes ("Subscription expiration can only be 10070
 * minutes in the future.", quoted in several clients' sources) while the docs
 * say 10,080.
 */
export type ResourceFamily = "outlook" | "directory";

export interface ResourceRules {
  family: ResourceFamily;
  permissions: OperationPermissions;
  maxMinutes: number;
  /** The changeType values the resource takes. */
  changeTypes: readonly string[];
  /** The documented forms, for the operations page. */
  forms: readonly string[];
}

const CHANGE_TYPES = ["created", "updated", "deleted"] as const;

export const RESOURCE_RULES: Record<ResourceFamily, ResourceRules> = {
  outlook: {
    family: "outlook",
    permissions: { delegated: ["Calendars.Read", "Calendars.ReadWrite"], application: ["Calendars.Read", "Calendars.ReadWrite"], refusal: "outlook" },
    maxMinutes: 10_070,
    changeTypes: CHANGE_TYPES,
    forms: ["me/events", "users/{id}/events", "me/calendar/events", "users/{id}/calendar/events", "me/calendars/{id}/events", "users/{id}/calendars/{id}/events"],
  },
  directory: {
    family: "directory",
    permissions: {
      delegated: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
      application: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
      refusal: "directory",
    },
    maxMinutes: 41_760,
    changeTypes: CHANGE_TYPES,
    forms: ["users", "users/{id}"],
  },
};

/** A resource path as written, split: who (`me` or a user key), then what. */
type Shape =
  | { what: "events"; who: string; calendar: null | "default" | { key: string } }
  | { what: "users" }
  | { what: "user"; who: string };

const SEGMENT = "([^/?#]+)";
const PATTERNS: [RegExp, (m: RegExpExecArray) => Shape][] = [
  [/^users$/i, () => ({ what: "users" })],
  [new RegExp(`^users/${SEGMENT}$`, "i"), (m) => ({ what: "user", who: m[1] as string })],
  [new RegExp(`^(me|users/${SEGMENT})/events$`, "i"), (m) => ({ what: "events", who: m[2] ?? "me", calendar: null })],
  [new RegExp(`^(me|users/${SEGMENT})/calendar/events$`, "i"), (m) => ({ what: "events", who: m[2] ?? "me", calendar: "default" })],
  [new RegExp(`^(me|users/${SEGMENT})/calendars/${SEGMENT}/events$`, "i"), (m) => ({ what: "events", who: m[2] ?? "me", calendar: { key: m[3] as string } })],
];

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Which family a resource belongs to, or undefined when the emulator does not serve it. */
export function parseResource(resource: string): Shape | undefined {
  const path = resource.trim().replace(/^\/+/, "").replace(/\/+$/, "");
  for (const [re, make] of PATTERNS) {
    const m = re.exec(path);
    if (!m) continue;
    const shape = make(m);
    if ("who" in shape) shape.who = decoded(shape.who);
    if (shape.what === "events" && shape.calendar && typeof shape.calendar === "object") shape.calendar.key = decoded(shape.calendar.key);
    return shape;
  }
  return undefined;
}

export const familyOf = (target: SubscriptionTarget): ResourceFamily => (target.kind === "events" ? "outlook" : "directory");

/**
 * Resolves a resource for a caller, in the tenant as it is now: the user it
 * names must exist (and, for a delegated caller's events, be the caller), a
 * named calendar must be that user's. Throws Graph's answer otherwise.
 */
export function resolveResource(t: DeepReadonly<TenantState>, resource: string, principal: Principal, operation: "Create" | "Update"): SubscriptionTarget {
  const shape = parseResource(resource);
  if (!shape) throw graphErrors.subscriptionResourceUnsupported(resource);
  if (shape.what === "users") return { kind: "users" };
  if (shape.who.toLowerCase() === "me" && shape.what === "events") {
    if (principal.kind !== "user") throw graphErrors.meNeedsDelegated();
  }
  if (shape.what === "user") {
    const user = findUser(t, shape.who);
    if (!user) throw graphErrors.resourceNotFound(shape.who);
    return { kind: "user", userId: user.id };
  }
  const owner = shape.who.toLowerCase() === "me" ? findUser(t, (principal as Extract<Principal, { kind: "user" }>).userId) : findUser(t, shape.who, "mailbox");
  if (!owner) throw graphErrors.subscriptionUserInvalid(operation, shape.who);
  if (principal.kind === "user" && owner.id !== principal.userId) throw graphErrors.calendarAccessDenied();
  if (shape.calendar === null) return { kind: "events", ownerId: owner.id, calendarId: null };
  if (shape.calendar === "default") return { kind: "events", ownerId: owner.id, calendarId: "default" };
  const key = shape.calendar.key;
  const calendar = t.calendars.find((c) => c.ownerId === owner.id && c.id === key);
  if (!calendar) throw graphErrors.subscriptionResourceInvalid(operation, resource);
  return { kind: "events", ownerId: owner.id, calendarId: calendar.id };
}
