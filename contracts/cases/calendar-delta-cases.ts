import { appToken, graph, graphOk, testUser, type WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const AREA = "Graph: calendar delta";
const WINDOW = "startDateTime=2031-04-01T00:00:00Z&endDateTime=2031-04-02T00:00:00Z";

/** GET on the test user's calendarView/delta with an app token. */
async function delta(t: ContractTarget, query: string): Promise<WireResponse> {
  return graph(t, "GET", `/users/${(await testUser(t)).id}/calendarView/delta?${query}`, { token: await appToken(t) });
}

/** A link the service gave, as a path under the target's Graph base URL. */
function pathOf(t: ContractTarget, link: string): string {
  if (!link.startsWith(t.graphBaseUrl)) throw new Error(`a link outside ${t.graphBaseUrl}: ${link}`);
  return link.slice(t.graphBaseUrl.length);
}

/** A first round of a one-day window (no events in it), to its deltaLink. */
async function deltaLink(t: ContractTarget, token: string, mailbox: string): Promise<string> {
  const first = await graphOk(t, "GET", `${mailbox}/calendarView/delta?${WINDOW}`, token);
  const link = first["@odata.deltaLink"];
  if (typeof link !== "string") throw new Error(`a first round of an empty window answered no deltaLink: ${JSON.stringify(first)}`);
  return link;
}

/** calendarView delta's error paths: query options it cannot track, tokens it did not issue, sync states it dropped. */
export const CALENDAR_DELTA_CASES: ErrorCase[] = [
  {
    id: "calendar-delta-400-untracked-option",
    wire: "graph", area: AREA, source: "Graph's answer as quoted in public client code",
    title: "calendarView delta with $select",
    status: 400, code: "ErrorInvalidUrlQuery",
    message: /^The following parameters are not supported with change tracking over the 'CalendarView' resource: '\$orderby, \$filter, \$select, \$expand, \$search'\.$/,
    run: (t) => delta(t, `${WINDOW}&$select=subject`),
  },
  {
    id: "calendar-delta-400-top",
    wire: "graph", area: AREA, source: "Graph's answer as quoted in public client code",
    title: "calendarView delta with $top",
    status: 400, code: "ErrorInvalidUrlQuery",
    message: /^The '\$top' parameter is not supported with change tracking over the 'CalendarView' resource as page size cannot be guaranteed\. Express page size preferences using the Prefer: odata\.maxpagesize= header instead\.$/,
    run: (t) => delta(t, `${WINDOW}&$top=5`),
  },
  {
    id: "calendar-delta-400-token-invalid",
    wire: "graph", area: AREA, source: "none documented: the emulator's code and wording",
    title: "a $deltatoken the service did not issue",
    status: 400, code: "SyncStateInvalid",
    message: /^The \$deltatoken is not valid: it was not issued for a calendarView delta of this service, or it was changed\.$/,
    notLive: "Microsoft documents no answer to a token it did not issue; the code and wording are the emulator's",
    run: (t) => delta(t, "$deltatoken=not-a-token"),
  },
  {
    id: "calendar-delta-410-sync-state-not-found",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#2350, #2877 (410, code and message); concepts/errors.md",
    title: "a deltaLink whose sync state the mailbox no longer keeps",
    status: 410, code: "SyncStateNotFound",
    message: /^The sync state generation is not found; generation=\d+;\[highest=\d+\](\[\d+\])+\.$/,
    notLive: "Outlook drops sync states on its own schedule; the emulator drops a mailbox's oldest beyond 20, which 21 rounds cause",
    run: async (t) => {
      const token = await appToken(t);
      const mailbox = `/users/${(await testUser(t)).id}`;
      const oldest = await deltaLink(t, token, mailbox);
      for (let i = 0; i < 20; i++) await deltaLink(t, token, mailbox);
      return graph(t, "GET", pathOf(t, oldest), { token });
    },
  },
];
