import { noteCollection, noteUnchanged } from "../../store/changes.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Store } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { GraphError } from "../../errors/graph-error.ts";
import { parseEventInput, type EventInput } from "./event-input.ts";
import { createEvent } from "./events-model.ts";
import { addressOf, ensureDefaultCalendar } from "./mailbox.ts";
import { findUser } from "../../directory/users.ts";
import { syncAttendees } from "./meetings.ts";
import { DAYS } from "./recurrence.ts";
import { resolveZone } from "./time-zones.ts";

/**
 * Calendar fixtures: fixtures/calendar/*.json, one tenant each, naming
 * mailboxes by userPrincipalName with their working hours, shares and events
 * (Graph event bodies, as POST /events takes them). They are applied the
 * first time a tenant's calendars are used after a start or reset, so every
 * seeded mailbox (and every meeting copy) exists before the first answer.
 */
export const CALENDAR_FIXTURES = fileURLToPath(new URL("../../../../fixtures/calendar", import.meta.url));

const time = z.string().regex(/^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/, "must be a time such as 08:00:00");
const mailboxFixture = z
  .object({
    user: z.string().min(3),
    workingHours: z
      .object({
        daysOfWeek: z.array(z.enum(DAYS as [string, ...string[]])).min(1),
        startTime: time,
        endTime: time,
        timeZone: z.string().refine((n) => resolveZone(n) !== undefined, "must be a Windows or IANA time zone"),
      })
      .strict()
      .optional(),
    shares: z.array(z.object({ user: z.string().min(3), role: z.enum(["read", "write"]) }).strict()).default([]),
    events: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();
const calendarFixture = z.object({ tenantId: z.string().min(1), mailboxes: z.array(mailboxFixture) }).strict();

interface SeedMailbox {
  user: string;
  workingHours: z.output<typeof mailboxFixture>["workingHours"];
  shares: { user: string; role: "read" | "write" }[];
  events: EventInput[];
}

/** Reads and checks every calendar fixture file; a broken file is an error naming it (on the first calendar request). */
export function readCalendarFixtures(dir = CALENDAR_FIXTURES): Map<string, SeedMailbox[]> {
  const byTenant = new Map<string, SeedMailbox[]>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return byTenant;
  }
  for (const file of files) {
    const path = join(dir, file);
    const parsed = calendarFixture.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const mailboxes = parsed.data.mailboxes.map((m, i) => ({
      user: m.user,
      workingHours: m.workingHours,
      shares: m.shares,
      events: m.events.map((e, j) => {
        try {
          return parseEventInput(e, true);
        } catch (err) {
          const why = err instanceof GraphError ? `${err.code}: ${err.message}` : String(err);
          throw new Error(`${path}: mailboxes.${i}.events.${j}: ${why}`);
        }
      }),
    }));
    byTenant.set(parsed.data.tenantId.toLowerCase(), [...(byTenant.get(parsed.data.tenantId.toLowerCase()) ?? []), ...mailboxes]);
  }
  return byTenant;
}

const withFraction = (t: string) => (t.length === 5 ? `${t}:00.0000000` : t.length === 8 ? `${t}.0000000` : t.padEnd(16, "0"));

function seed(t: TenantState, mailboxes: SeedMailbox[], nowMs: number): void {
  noteCollection(t, "calendars");
  for (const m of mailboxes) {
    const user = findUser(t, m.user, "mailbox");
    if (!user) continue;
    const calendar = ensureDefaultCalendar(t, user.id);
    if (m.workingHours) {
      const { daysOfWeek, startTime, endTime, timeZone } = m.workingHours;
      calendar.workingHours = {
        daysOfWeek: daysOfWeek as (typeof DAYS)[number][],
        startTime: withFraction(startTime),
        endTime: withFraction(endTime),
        timeZone: { name: timeZone },
      };
    }
    calendar.shares = m.shares.flatMap((s) => {
      const other = findUser(t, s.user, "mailbox");
      return other ? [{ userId: other.id, role: s.role }] : [];
    });
  }
  for (const m of mailboxes) {
    const user = findUser(t, m.user, "mailbox");
    if (!user) continue;
    const calendar = ensureDefaultCalendar(t, user.id);
    const owner = { id: user.id, displayName: user.displayName, address: addressOf(user) };
    for (const input of m.events) syncAttendees(t, createEvent(t, owner, calendar.id, input, nowMs), nowMs, false);
  }
}

/** Applies a tenant's calendar fixtures when its calendars are still empty (after a start or a reset). */
export function seedTenantCalendars(store: Store, fixtures: () => Map<string, SeedMailbox[]>, tenantId: string, nowMs: number): void {
  if (!store.read(tenantId, (t) => t.calendars.length === 0)) return;
  const mailboxes = fixtures().get(tenantId.toLowerCase());
  if (!mailboxes || mailboxes.length === 0) return;
  store.write(tenantId, (t) => {
    if (t.calendars.length === 0) seed(t, mailboxes, nowMs);
    else noteUnchanged(t);
  });
}
