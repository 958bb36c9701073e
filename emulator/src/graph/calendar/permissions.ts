import type { PermissionEntry, PermissionRule } from "../permissions.ts";

/**
 * Which permissions allow each calendar operation, least privileged first,
 * for /me and /users/{id}. The first entry of each list is Microsoft's least
 * privileged permission (checked against Microsoft's permissions map by
 * test/graph/calendar/permissions-table.test.ts); rows that knowingly differ
 * say why.
 */

const RB = "Calendars.ReadBasic";
/** Microsoft's app-only name for ReadBasic; the map lists "Calendars.ReadBasic" for Application too. */
const RBA = "Calendars.ReadBasic.All";
const R = "Calendars.Read";
const RS = "Calendars.Read.Shared";
const RW = "Calendars.ReadWrite";
const RWS = "Calendars.ReadWrite.Shared";

/** Permissions that read bodies (anything above ReadBasic). */
export const FULL_READ = [R, RS, RW, RWS];
/** Delegated scopes that reach another user's shared calendar. */
export const SHARED_READ = [RS, RWS];
export const SHARED_WRITE = [RWS];

const SHARED_NOTE =
  "Also accepts the .Shared scopes, which Microsoft's map lists only on some calendar paths: they cover the signed-in user's own calendars as well as calendars shared with them.";
const NO_ENTRY = "No entry in Microsoft's map; the emulator follows the neighbouring calendar rows (docs: api/calendar-get.md, calendar-update.md).";
const GET_ONE_NOTE = "Microsoft's map omits Calendars.ReadWrite (and the .Shared scopes) for reading one event; the docs and the list rows allow them.";

const READ: PermissionRule = { delegated: [RB, R, RS, RW, RWS], application: [RB, RBA, R, RW] };
const WRITE: PermissionRule = { delegated: [RW, RWS], application: [RW] };

const PREFIXES = ["/me", "/users/{id}"];
const CONTAINERS = ["", "/calendar", "/calendars/{id}"];

function rows(): PermissionEntry[] {
  const out: PermissionEntry[] = [];
  const add = (method: PermissionEntry["method"], path: string, rule: PermissionRule, differsFromMicrosoft?: string) =>
    out.push({ method, path, ...rule, ...(differsFromMicrosoft ? { differsFromMicrosoft } : {}) });
  for (const p of PREFIXES) {
    add("GET", `${p}/calendar`, READ, NO_ENTRY);
    add("PATCH", `${p}/calendar`, WRITE, NO_ENTRY);
    add("GET", `${p}/calendars`, { delegated: [RB, R, RS, RW], application: [RB, RBA, R, RW] });
    add("POST", `${p}/calendars`, { delegated: [RW], application: [RW] });
    add("GET", `${p}/calendars/{id}`, READ, NO_ENTRY);
    add("PATCH", `${p}/calendars/{id}`, WRITE, NO_ENTRY);
    add("DELETE", `${p}/calendars/{id}`, { delegated: [RW], application: [RW] });
    for (const c of CONTAINERS) {
      add("GET", `${p}${c}/events`, READ, SHARED_NOTE);
      add("POST", `${p}${c}/events`, WRITE, SHARED_NOTE);
      add("GET", `${p}${c}/events/{id}`, READ, GET_ONE_NOTE);
      add("PATCH", `${p}${c}/events/{id}`, WRITE, SHARED_NOTE);
      add("DELETE", `${p}${c}/events/{id}`, WRITE, SHARED_NOTE);
      add("GET", `${p}${c}/events/{id}/instances`, READ, GET_ONE_NOTE);
      for (const action of ["accept", "decline", "tentativelyaccept", "cancel"]) add("POST", `${p}${c}/events/{id}/${action}`, WRITE, SHARED_NOTE);
      add("GET", `${p}${c === "" ? "" : c}/calendarview`, READ, c === "" && p === "/me" ? NO_ENTRY : SHARED_NOTE);
    }
    add("POST", `${p}/calendar/getschedule`, { delegated: [RB, R, RW], application: [RB, RBA, R, RW] });
    add("POST", `${p}/findmeetingtimes`, { delegated: [RS, RWS], application: [] });
  }
  return out;
}

export const CALENDAR_PERMISSIONS: readonly PermissionEntry[] = rows();
