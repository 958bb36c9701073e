import { appToken, graph, graphOk, testUser } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { BehaviourCheck } from "./types.ts";

const AREA = "Graph: calendar behaviour";
const utc = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

/** Runs `fn` with an event made in the test user's calendar, then deletes it. */
async function withEvent(t: ContractTarget, body: Record<string, unknown>, fn: (event: Record<string, unknown>, path: string, token: string) => Promise<string[]>): Promise<string[]> {
  const path = `/users/${(await testUser(t)).id}`;
  const token = await appToken(t);
  const event = await graphOk(t, "POST", `${path}/events`, token, body);
  try {
    return await fn(event, path, token);
  } finally {
    await graph(t, "DELETE", `${path}/events/${event.id as string}`, { token });
  }
}

function same(out: string[], what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) out.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Calendar behaviour that any caller can observe, so it runs live too. */
export const CALENDAR_BEHAVIOUR: BehaviourCheck[] = [
  {
    id: "calendar-event-round-trip",
    area: AREA,
    title: "an event created in UTC reads back with its subject, start and end (seven fraction digits) and a changeKey",
    check: (t) =>
      withEvent(t, { subject: "contract round trip", start: utc("2031-06-02T09:30:00"), end: utc("2031-06-02T10:15:00") }, async (created, path, token) => {
        const out: string[] = [];
        const read = await graphOk(t, "GET", `${path}/events/${created.id as string}`, token);
        same(out, "subject", read.subject, "contract round trip");
        same(out, "start", read.start, { dateTime: "2031-06-02T09:30:00.0000000", timeZone: "UTC" });
        same(out, "end", read.end, { dateTime: "2031-06-02T10:15:00.0000000", timeZone: "UTC" });
        same(out, "type", read.type, "singleInstance");
        if (typeof read.changeKey !== "string" || !read.changeKey) out.push("changeKey: missing");
        return out;
      }),
  },
  {
    id: "calendar-view-expands-series",
    area: AREA,
    title: "calendarView expands a daily series of three into three occurrences of the master",
    check: (t) =>
      withEvent(
        t,
        {
          subject: "contract series",
          start: utc("2031-07-07T08:00:00"),
          end: utc("2031-07-07T08:30:00"),
          recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2031-07-07", numberOfOccurrences: 3 } },
        },
        async (master, path, token) => {
          const out: string[] = [];
          const view = await graphOk(t, "GET", `${path}/calendarView?startDateTime=2031-07-06T00:00:00Z&endDateTime=2031-07-12T00:00:00Z&$top=50`, token);
          const mine = (view.value as Record<string, unknown>[]).filter((e) => e.seriesMasterId === master.id);
          same(out, "occurrences", mine.map((e) => (e.start as { dateTime: string }).dateTime), ["2031-07-07T08:00:00.0000000", "2031-07-08T08:00:00.0000000", "2031-07-09T08:00:00.0000000"]);
          same(out, "types", [...new Set(mine.map((e) => e.type))], ["occurrence"]);
          return out;
        },
      ),
  },
  {
    id: "calendar-events-paging",
    area: AREA,
    title: "listing events with $top=1 gives one event and an @odata.nextLink",
    check: (t) =>
      withEvent(t, { subject: "contract page a", start: utc("2031-08-01T09:00:00"), end: utc("2031-08-01T10:00:00") }, () =>
        withEvent(t, { subject: "contract page b", start: utc("2031-08-02T09:00:00"), end: utc("2031-08-02T10:00:00") }, async (_e, path, token) => {
          const out: string[] = [];
          const page = await graphOk(t, "GET", `${path}/events?$top=1`, token);
          same(out, "value length", (page.value as unknown[]).length, 1);
          if (typeof page["@odata.nextLink"] !== "string") out.push("@odata.nextLink: missing");
          return out;
        }),
      ),
  },
];
