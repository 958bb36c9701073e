import type { Request, Response } from "express";
import { graphErrors, GraphError } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { StoreUnavailableError, type DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { openMailbox, type CalendarDeps, type MailboxCall } from "./access.ts";
import { namedCalendar } from "./calendars-handlers.ts";
import { encodeDeltaToken, encodeSkipTokenOf, readDeltaToken, refuseUntrackedOptions, type DeltaToken } from "./delta-tokens.ts";
import { itemOf, windowOf } from "./event-lookup.ts";
import type { EventItem } from "./event-view.ts";
import { resolveRef } from "./events-model.ts";
import { formatInstant } from "./date-time.ts";
import { renderItem } from "./query.ts";
import { addSyncState, diff, findSyncState, generationsOf, idOfKey, snapshotOf, type NewSyncState, type SyncState } from "./sync-states.ts";
import { calendarViewItems } from "./views.ts";

/**
 * GET …/calendarView/delta (api/event-delta.md, concepts/delta-query-events.md).
 * A first round needs startDateTime and endDateTime and answers every item of
 * the window (single instances, occurrences, exceptions); a round that starts
 * from a `$deltatoken` answers what changed in that window since: new and
 * changed items, and `@removed` for those that left it. Pages follow
 * `Prefer: odata.maxpagesize` (10 by default, Outlook's page size) with a
 * `$skiptoken`; the last page carries the `@odata.deltaLink`. A round's state
 * is stored (sync-states.ts) before its first page is answered, so its links
 * outlive a restart.
 */

export type DeltaContainer = "" | "/calendars/{calendarId}";

const EVENT_TYPE = "#microsoft.graph.event";
const DEFAULT_PAGE_SIZE = 10;

type ReadTenant = DeepReadonly<TenantState> | TenantState;

/** The calendar the route names (null: the mailbox's calendarView) and the calendars its items may come from. */
function scopeOf(t: ReadTenant, call: MailboxCall, req: Request, container: DeltaContainer): { calendarId: string | null; calendars: ReadonlySet<string> | null } {
  if (container === "") return { calendarId: null, calendars: call.calendars };
  const id = namedCalendar(t, call, req).id;
  return { calendarId: id, calendars: new Set([id]) };
}

/** The state a token names, if it is this route's: else 410, as for a state the mailbox no longer keeps. */
function stateFor(t: ReadTenant, call: MailboxCall, calendarId: string | null, token: { state: string; generation: number }): SyncState {
  const state = findSyncState(t, token.state);
  if (!state || state.ownerId !== call.owner.id || state.calendarId !== calendarId) throw graphErrors.syncStateNotFound(token.generation, ...generationsOf(t, call.owner.id));
  return state;
}

/** An item of a round's answer as it is now; undefined when it is gone (it is then sent as removed). */
function currentItem(t: ReadTenant, call: MailboxCall, calendars: ReadonlySet<string> | null, id: string): EventItem | undefined {
  try {
    const ref = resolveRef(t, call.owner.id, id);
    const e = ref.kind === "stored" ? ref.event : ref.master;
    if (e.type === "seriesMaster" && ref.kind === "stored") return undefined;
    if (calendars !== null && !calendars.has(e.calendarId)) return undefined;
    return itemOf(ref);
  } catch (err) {
    if (err instanceof GraphError) return undefined;
    throw err;
  }
}

/**
 * An item as delta sends it: what calendarView returns, typed; an occurrence
 * only with what places it (as Outlook sends occurrences: microsoft-graph-docs#7632,
 * microsoft-graph-docs-contrib#34); the rest is its series master's.
 */
function deltaJson(item: EventItem, call: MailboxCall): Record<string, unknown> {
  const full = renderItem(item, call, undefined);
  if (item.occurrenceStartMs === undefined) return { "@odata.type": EVENT_TYPE, ...full };
  return { "@odata.type": EVENT_TYPE, "@odata.etag": full["@odata.etag"], id: full.id, seriesMasterId: full.seriesMasterId, type: full.type, start: full.start, end: full.end };
}

const removedJson = (id: string) => ({ "@odata.type": EVENT_TYPE, id, "@removed": { reason: "deleted" } });

/** One page of a round's answer: its removals first, then its new and changed items. */
function page(t: ReadTenant, call: MailboxCall, calendars: ReadonlySet<string> | null, state: SyncState, offset: number, size: number) {
  const changed = state.changed;
  const total = state.removed.length + (changed ?? state.keys).length;
  const value: Record<string, unknown>[] = [];
  for (let at = offset; at < Math.min(offset + size, total); at++) {
    if (at < state.removed.length) {
      value.push(removedJson(idOfKey(state.removed[at] as string)));
      continue;
    }
    const i = at - state.removed.length;
    const id = idOfKey(state.keys[changed ? (changed[i] as number) : i] as string);
    const item = currentItem(t, call, calendars, id);
    value.push(item ? deltaJson(item, call) : removedJson(id));
  }
  return { value, next: offset + size < total ? offset + size : null };
}

/** Where a request stands: a page of a round under way, a round that found nothing, or a new round's state to store. */
type Begun = { scope: ReturnType<typeof scopeOf> } & (
  | { kind: "page"; state: SyncState; offset: number }
  | { kind: "unchanged"; state: SyncState }
  | { kind: "new"; fresh: NewSyncState }
);

/** Reads the request's token (or window) against the mailbox: the window's items and their diff are taken in one turn. */
function begin(t: ReadTenant, call: MailboxCall, req: Request, container: DeltaContainer, token: DeltaToken | null, nowMs: number): Begun {
  const scope = scopeOf(t, call, req, container);
  if (token?.kind === "skip") return { scope, kind: "page", state: stateFor(t, call, scope.calendarId, token), offset: token.offset };
  const base = token ? stateFor(t, call, scope.calendarId, token) : null;
  const window = base ? { fromMs: base.fromMs, toMs: base.toMs } : windowOf(req);
  const now = snapshotOf(calendarViewItems(t, call.owner.id, scope.calendars, window.fromMs, window.toMs));
  const changes = base ? diff(base, now) : { changed: null, removed: [] };
  // Nothing changed: no answer, and the same state serves as the next round's start.
  if (base && changes.changed?.length === 0 && changes.removed.length === 0) return { scope, kind: "unchanged", state: base };
  return { scope, kind: "new", fresh: { ownerId: call.owner.id, calendarId: scope.calendarId, ...window, createdDateTime: formatInstant(nowMs), ...now, ...changes } };
}

export function calendarViewDelta(deps: CalendarDeps, container: DeltaContainer) {
  const { store, clock } = deps;
  return async (req: Request, res: Response): Promise<void> => {
    const call = openMailbox(deps, req, res, "read");
    refuseUntrackedOptions(req);
    const token = readDeltaToken(req);
    const size = call.prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;
    const begun = store.read(call.tenantId, (t) => begin(t, call, req, container, token, clock.nowMs()));
    let round: SyncState;
    if (begun.kind === "new") {
      // A new round's state is on disk before its first page is answered, so its links outlive a crash.
      const mark = store.mark();
      round = store.write(call.tenantId, (t) => addSyncState(t, begun.fresh));
      await store.flush(mark).catch((err: unknown) => {
        throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err as Error);
      });
    } else round = begun.state;
    const offset = begun.kind === "page" ? begun.offset : 0;
    const body = begun.kind === "unchanged" ? { value: [], next: null } : store.read(call.tenantId, (t) => page(t, call, begun.scope.calendars, round, offset, size));
    const base = `${ctxOf(res).origin}${req.originalUrl.split("?")[0] as string}`;
    const link =
      body.next !== null
        ? { "@odata.nextLink": `${base}?$skiptoken=${encodeSkipTokenOf(round.id, round.generation, body.next)}` }
        : { "@odata.deltaLink": `${base}?$deltatoken=${encodeDeltaToken(round.id, round.generation)}` };
    res.set("Preference-Applied", ["odata.track-changes", ...call.prefs.applied].join(", "));
    res.json({ "@odata.context": `${ctxOf(res).origin}/v1.0/$metadata#Collection(event)`, ...link, value: body.value });
  };
}
