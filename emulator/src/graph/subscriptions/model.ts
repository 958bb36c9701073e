import { notePut, noteRemove } from "../../store/changes.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { GraphSubscription, TenantState } from "../../store/types.ts";
import type { Principal } from "../../http/principal.ts";
import { isAdmin } from "../../identity/consent.ts";
import { findUser } from "../../directory/users.ts";
import { holdsRule } from "../authorize.ts";
import { familyOf, RESOURCE_RULES } from "./resources.ts";

/**
 * A tenant's subscriptions, and who sees which. A subscription is seen only by
 * the application that created it (api/subscription-list.md): with a delegated
 * token, those it created for the signed-in user; with an app-only token, all
 * it created. A delegated token with Subscription.Read.All lists those of any
 * application for the signed-in user (for an administrator: for every user).
 */

type AnyTenant = TenantState | DeepReadonly<TenantState>;
type SubscriptionOf<T extends AnyTenant> = T["subscriptions"][number];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function subscriptionsOf<T extends AnyTenant>(t: T): readonly SubscriptionOf<T>[] {
  return (t.subscriptions ?? []) as readonly SubscriptionOf<T>[];
}

/** Whether the caller's application created the subscription (and, delegated, for the signed-in user). */
export function ownedBy(s: DeepReadonly<GraphSubscription>, principal: Principal): boolean {
  if (!same(s.applicationId, principal.appId)) return false;
  return principal.kind === "app" || (s.delegated && same(s.creatorId, principal.userId));
}

/** The subscription with this id that the caller's application created; undefined otherwise. */
export function findOwned<T extends AnyTenant>(t: T, id: string, principal: Principal): SubscriptionOf<T> | undefined {
  return subscriptionsOf(t).find((s) => same(s.id, id) && ownedBy(s, principal));
}

/** What GET /subscriptions lists for the caller. */
export function listedFor<T extends AnyTenant>(t: T, principal: Principal): SubscriptionOf<T>[] {
  const all = subscriptionsOf(t);
  if (principal.kind === "user" && principal.scopes.some((s) => same(s, "Subscription.Read.All"))) {
    const admin = isAdmin(findUser(t, principal.userId)?.directoryRoles ?? []);
    return all.filter((s) => admin || (s.delegated && same(s.creatorId, principal.userId)));
  }
  return all.filter((s) => ownedBy(s, principal) && holdsRule(principal, RESOURCE_RULES[familyOf(s.target)].permissions));
}

/** A subscription the caller already has for the same resource and change types (Graph answers 409). */
export function duplicateOf<T extends AnyTenant>(t: T, principal: Principal, resource: string, changeTypes: ReadonlySet<string>): SubscriptionOf<T> | undefined {
  const key = resourceKey(resource);
  return subscriptionsOf(t).find((s) => ownedBy(s, principal) && resourceKey(s.resource) === key && sameSet(changeTypesOf(s), changeTypes));
}

const resourceKey = (resource: string) => resource.trim().replace(/^\/+|\/+$/g, "").toLowerCase();
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** The change types a subscription asked for, lower case. */
export function changeTypesOf(s: DeepReadonly<GraphSubscription>): Set<string> {
  return new Set(s.changeType.split(",").map((p) => p.trim().toLowerCase()));
}

export function insertSubscription(t: TenantState, s: GraphSubscription): void {
  t.subscriptions ??= [];
  t.subscriptions.push(s);
  notePut(t, "subscriptions", s, true);
}

export function changedSubscription(t: TenantState, s: GraphSubscription): void {
  notePut(t, "subscriptions", s);
}

export function removeSubscription(t: TenantState, s: GraphSubscription): void {
  const at = t.subscriptions.indexOf(s);
  if (at < 0) return;
  t.subscriptions.splice(at, 1);
  noteRemove(t, "subscriptions", s);
}

/** An instant as Graph writes a subscription's: UTC, milliseconds only when there are some. */
export const formatExpiration = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * A subscription as Graph answers it (the property order of
 * concepts/outlook-change-notifications-overview.md's examples). Lists leave
 * clientState out ("not returned for security purposes", api/subscription-list.md).
 */
export function subscriptionView(s: DeepReadonly<GraphSubscription>, options: { clientState: boolean }): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: options.clientState ? s.clientState : null,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    notificationContentType: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
