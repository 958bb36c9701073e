import type { DeepReadonly, Store } from "../store/store.ts";
import { findUser } from "../directory/users.ts";
import type { TenantState } from "../store/types.ts";
import type { JournalEntry } from "../journal/journal.ts";
import { REFRESH_TOKEN_INACTIVITY_DAYS } from "../identity/tokens.ts";

/** Read models for the dashboard: plain data computed inside `store.read`. */

const DAY_MS = 86_400_000;
type Tenant = DeepReadonly<TenantState>;

export interface TokenView {
  clientId: string;
  appName: string;
  scopes: string[];
  issuedAt: string;
  lastUsedAt: string;
}

/** Refresh tokens that the token endpoint would still accept (not revoked, not idle for 90 days). */
export function activeRefreshTokens(t: Tenant, userId: string, nowMs: number): TokenView[] {
  const user = findUser(t, userId);
  const validFrom = user ? new Date(user.tokensValidFrom).getTime() : Infinity;
  return (t.refreshTokens ?? [])
    .filter(
      (r) =>
        r.userId === userId &&
        !r.revokedAt &&
        new Date(r.issuedAt).getTime() >= validFrom &&
        nowMs - new Date(r.lastUsedAt).getTime() <= REFRESH_TOKEN_INACTIVITY_DAYS * DAY_MS,
    )
    .map((r) => ({ clientId: r.clientId, appName: appName(t, r.clientId), scopes: [...r.scopes], issuedAt: r.issuedAt, lastUsedAt: r.lastUsedAt }));
}

/** The display name of an app known in this tenant (registered here or a service principal), else its id. */
export function appName(t: Tenant, appId: string): string {
  const id = appId.toLowerCase();
  return (
    t.applications.find((a) => a.appId.toLowerCase() === id)?.displayName ??
    t.servicePrincipals.find((s) => s.appId.toLowerCase() === id)?.displayName ??
    appId
  );
}

export function userLabel(t: Tenant, userId: string | null): string {
  if (!userId) return "";
  const u = findUser(t, userId);
  return u ? `${u.displayName} (${u.userPrincipalName})` : userId;
}

/** Display names for the client and user ids in journal entries: the app's name, the user's sign-in name. */
export function journalNames(store: Store, entries: readonly JournalEntry[]): Map<string, string> {
  const wanted = new Set<string>();
  for (const e of entries) {
    if (e.clientId) wanted.add(e.clientId.toLowerCase());
    if (e.userId) wanted.add(e.userId.toLowerCase());
  }
  const names = new Map<string, string>();
  if (wanted.size === 0) return names;
  store.readAll((tenants) => {
    for (const t of tenants) {
      for (const a of t.applications) if (wanted.has(a.appId.toLowerCase()) && !names.has(a.appId.toLowerCase())) names.set(a.appId.toLowerCase(), a.displayName);
      for (const u of t.users) if (wanted.has(u.id.toLowerCase()) && !names.has(u.id.toLowerCase())) names.set(u.id.toLowerCase(), u.userPrincipalName);
    }
  });
  return names;
}

export interface TenantOverview {
  id: string;
  displayName: string;
  defaultDomain: string;
  domains: string[];
  users: number;
  applications: number;
  servicePrincipals: number;
  consents: number;
  activeRefreshTokens: number;
  events: number;
}

export function tenantOverview(t: Tenant, nowMs: number): TenantOverview {
  return {
    id: t.id,
    displayName: t.displayName,
    defaultDomain: t.defaultDomain,
    domains: [...t.domains],
    users: t.users.length,
    applications: t.applications.length,
    servicePrincipals: t.servicePrincipals.length,
    consents: t.consentGrants.length,
    activeRefreshTokens: t.users.reduce((n, u) => n + activeRefreshTokens(t, u.id, nowMs).length, 0),
    events: Array.isArray(t.events) ? t.events.length : 0,
  };
}

/* ---------- Calendars, read defensively: their shape belongs to the calendar feature. ---------- */

export interface CalendarView {
  id: string;
  name: string;
  isDefault: boolean;
  hexColor: string;
  shares: { user: string; role: string }[];
}

export interface EventView {
  id: string;
  calendarName: string;
  subject: string;
  startMs: number | null;
  endMs: number | null;
  start: string;
  end: string;
  isAllDay: boolean;
  isCancelled: boolean;
  type: string;
  recurrence: string;
  organizer: string;
  attendees: number;
  location: string;
  showAs: string;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function dateTimeText(v: unknown): string {
  const o = obj(v);
  const dt = str(o.dateTime).replace(/\.0+$/, "").replace("T", " ");
  return dt ? `${dt}${o.timeZone ? ` (${str(o.timeZone)})` : ""}` : "";
}

function recurrenceText(v: unknown): string {
  const r = obj(v);
  const p = obj(r.pattern);
  const type = str(p.type);
  if (!type) return "";
  const interval = num(p.interval) ?? 1;
  const days = list(p.daysOfWeek).map(str).filter(Boolean);
  const every = interval > 1 ? `every ${interval} ` : "";
  const base = `${type}${every ? ` (${every.trim()})` : ""}${days.length ? ` on ${days.join(", ")}` : ""}`;
  const range = obj(r.range);
  const until = str(range.type) === "endDate" ? ` until ${str(range.endDate)}` : str(range.type) === "numbered" ? `, ${str(range.numberOfOccurrences)} times` : "";
  return base + until;
}

export interface MailboxView {
  userId: string;
  userName: string;
  upn: string;
  calendars: CalendarView[];
  events: EventView[];
}

/** Every user's calendars and events, whatever the calendar records hold. */
export function mailboxes(t: Tenant): MailboxView[] {
  const calendars = list((t as unknown as Record<string, unknown>).calendars).map(obj);
  const events = list((t as unknown as Record<string, unknown>).events).map(obj);
  const calName = new Map(calendars.map((c) => [str(c.id), str(c.name)]));
  const who = (id: string) => findUser(t, id)?.userPrincipalName ?? id;
  return t.users.map((u) => ({
    userId: u.id,
    userName: u.displayName,
    upn: u.userPrincipalName,
    calendars: calendars
      .filter((c) => str(c.ownerId) === u.id)
      .map((c) => ({
        id: str(c.id),
        name: str(c.name) || "(unnamed)",
        isDefault: c.isDefault === true,
        hexColor: /^#[0-9a-f]{3,8}$/i.test(str(c.hexColor)) ? str(c.hexColor) : "",
        shares: list(c.shares).map(obj).map((s) => ({ user: who(str(s.userId)), role: str(s.role) })),
      })),
    events: events
      .filter((e) => str(e.ownerId) === u.id)
      .map((e) => ({
        id: str(e.id),
        calendarName: calName.get(str(e.calendarId)) ?? "",
        subject: str(e.subject) || "(no subject)",
        startMs: num(e.startMs),
        endMs: num(e.endMs),
        start: dateTimeText(e.start),
        end: dateTimeText(e.end),
        isAllDay: e.isAllDay === true,
        isCancelled: e.isCancelled === true,
        type: str(e.type) || "singleInstance",
        recurrence: recurrenceText(e.recurrence),
        organizer: str(obj(obj(e.organizer).emailAddress).name) || str(obj(obj(e.organizer).emailAddress).address),
        attendees: list(e.attendees).length,
        location: str(obj(e.location).displayName),
        showAs: str(e.showAs),
      }))
      .sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0)),
  }));
}
