import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { principalOf, type Principal } from "../../http/principal.ts";
import type { GraphDeps } from "../context.ts";
import { hasAnyPermission } from "../authorize.ts";
import { seedTenantCalendars, type readCalendarFixtures } from "./fixtures.ts";
import { addressOf, calendarsOf, ensureMailbox } from "./mailbox.ts";
import { findUser } from "../../directory/users.ts";
import type { Owner } from "./events-model.ts";
import { FULL_READ, SHARED_READ, SHARED_WRITE } from "./scopes.ts";
import { preferencesOf, type Preferences } from "./prefer.ts";

export interface CalendarDeps extends GraphDeps {
  /** The calendar fixtures, read on first call. */
  fixtures: () => ReturnType<typeof readCalendarFixtures>;
}

/** One request against one mailbox, after every check. */
export interface MailboxCall {
  principal: Principal;
  tenantId: string;
  owner: Owner;
  /** Calendars of the mailbox the caller may use; null means all of them. */
  calendars: ReadonlySet<string> | null;
  /** Calendars.ReadBasic only: bodies are left out. */
  basic: boolean;
  prefs: Preferences;
}


/**
 * Opens the mailbox a calendar route names (/me or /users/{user}), once the
 * operation table's row has authorized the call: an unknown user is 404
 * ErrorInvalidUser; a delegated caller reaches another user's mailbox only
 * through calendars shared with them and a .Shared scope.
 */
export function openMailbox(deps: CalendarDeps, req: Request, res: Response, mode: "read" | "write"): MailboxCall {
  const principal = principalOf(res);
  const userParam = typeof req.params.user === "string" ? req.params.user : undefined;
  const prefs = preferencesOf(req);
  const tenantId = principal.tenantId;
  seedTenantCalendars(deps.store, deps.fixtures, tenantId, deps.clock.nowMs());
  const key = userParam ?? (principal.kind === "user" ? principal.userId : "");
  const user = deps.store.read(tenantId, (t) => {
    const u = findUser(t, key, "mailbox");
    return u ? { id: u.id, displayName: u.displayName, address: addressOf(u) } : undefined;
  });
  if (!user) throw graphErrors.invalidMailboxUser(key);
  ensureMailbox(deps.store, tenantId, user.id);
  const granted = principal.kind === "app" ? principal.roles : principal.scopes;
  const basic = !hasAnyPermission(granted, FULL_READ);
  let calendars: ReadonlySet<string> | null = null;
  if (principal.kind === "user" && principal.userId !== user.id) {
    if (!hasAnyPermission(principal.scopes, mode === "write" ? SHARED_WRITE : SHARED_READ)) throw graphErrors.calendarAccessDenied();
    const shared = deps.store.read(tenantId, (t) =>
      calendarsOf(t, user.id)
        .filter((c) => c.shares.some((s) => s.userId === principal.userId && (mode === "read" || s.role === "write")))
        .map((c) => c.id),
    );
    if (shared.length === 0) throw graphErrors.calendarAccessDenied();
    calendars = new Set(shared);
  }
  return { principal, tenantId, owner: user, calendars, basic, prefs };
}
