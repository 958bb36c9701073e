import type { DeepReadonly } from "../store/store.ts";
import type { TenantState, User, UserChange } from "../store/types.ts";
import { userIndex } from "./user-index.ts";
import { notePut, noteRemove, noteUnchanged, removeWhere } from "../store/changes.ts";

/**
 * The directory of users, below identity and Graph: every lookup of a user
 * (sign-in, token checks, Graph handlers, mailboxes, the control plane) and
 * every change to a tenant's users goes through these functions, so the
 * in-memory indexes and the change log that /users/delta reads stay in step
 * with the users array. They run inside `store.read` / `store.write` callbacks.
 */

type AnyTenant = TenantState | DeepReadonly<TenantState>;
type UserOf<T extends AnyTenant> = T["users"][number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which names find a user: the directory's (`/users/{id | userPrincipalName}`)
 * or a mailbox's, which also answers to its SMTP address (`mail`), as Outlook's
 * resources, schedules and attendees do.
 */
export type UserKeyForms = "directory" | "mailbox";

/**
 * Finds a user by object id or userPrincipalName — and, for `mailbox`, by
 * mail — case-insensitively, from the tenant's indexes without scanning.
 */
export function findUser<T extends AnyTenant>(t: T, key: string, forms: UserKeyForms = "directory"): UserOf<T> | undefined {
  const index = userIndex(t);
  const lower = key.toLowerCase();
  const found = GUID.test(key) ? index.byId.get(lower) : (index.byUpn.get(lower) ?? index.byId.get(lower));
  if (found || forms === "directory") return found as UserOf<T> | undefined;
  const byMail = index.equal("mail", lower);
  return (byMail.start < byMail.end ? byMail.entries[byMail.start]?.user : undefined) as UserOf<T> | undefined;
}

/** The users who report to `managerId`. */
export function directReportsOf<T extends AnyTenant>(t: T, managerId: string): readonly UserOf<T>[] {
  return userIndex(t).reportsOf(managerId) as readonly UserOf<T>[];
}

function log(t: TenantState, change: Omit<UserChange, "seq">): void {
  t.userChanges ??= [];
  const entry = { seq: t.userChanges.length + 1, ...change };
  t.userChanges.push(entry);
  notePut(t, "userChanges", entry);
}

/** The position of the newest change; a delta token remembers it. */
export function changeHead(t: AnyTenant): number {
  return t.userChanges?.length ?? 0;
}

/** Appends a new user. Callers check uniqueness first (findUser by id and UPN). */
export function insertUser(t: TenantState, user: User): void {
  const index = userIndex(t);
  t.users.push(user);
  index.noteInsert(user);
  notePut(t, "users", user);
  log(t, { userId: user.id, kind: "created" });
}

/**
 * Sets properties on a user (a value of `undefined` removes the property) and
 * records which ones changed. Returns the names of the changed properties.
 */
export function updateUser(t: TenantState, user: User, changes: Readonly<Record<string, unknown>>): string[] {
  const index = userIndex(t);
  const before: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(changes)) {
    if (JSON.stringify(user[name]) === JSON.stringify(value)) continue;
    before[name] = user[name];
    if (value === undefined) delete user[name];
    else user[name] = value;
  }
  const changed = Object.keys(before);
  if (changed.length === 0) noteUnchanged(t);
  else {
    notePut(t, "users", user);
    index.noteUpdate(user, before);
    log(t, { userId: user.id, kind: "updated", properties: changed });
  }
  return changed;
}

/**
 * Removes a user from the directory: its direct reports lose their manager,
 * groups lose the member, and its sign-in state (sessions, refresh tokens,
 * authorization codes) goes, so it can no longer get tokens.
 */
export function removeUser(t: TenantState, user: User): void {
  const index = userIndex(t);
  for (const report of [...index.reportsOf(user.id)]) updateUser(t, report as User, { managerId: null });
  const at = t.users.indexOf(user);
  if (at >= 0) t.users.splice(at, 1);
  index.noteDelete(user);
  noteRemove(t, "users", user);
  for (const g of t.groups) {
    if (!g.members.includes(user.id)) continue;
    g.members = g.members.filter((m) => m !== user.id);
    notePut(t, "groups", g);
  }
  removeWhere(t, "sessions", (s) => s.userId === user.id);
  removeWhere(t, "refreshTokens", (r) => r.userId === user.id);
  removeWhere(t, "authCodes", (c) => c.userId === user.id);
  log(t, { userId: user.id, kind: "deleted" });
}
