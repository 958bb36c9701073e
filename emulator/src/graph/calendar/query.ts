import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { compareBy, evaluateFilter, ODataSyntaxError, parseFilter, parseOrderBy, parseSelect, type FilterExpr, type OrderByItem } from "../odata/index.ts";
import type { MailboxCall } from "./access.ts";
import { eventJson, selectOnlyJson, UTC_VIEW, type EventItem } from "./event-view.ts";
import { eventsContext } from "./context.ts";
import { EventWindow } from "./event-window.ts";
import { applyPreferences } from "./prefer.ts";

/** Properties of microsoft.graph.event (and its bases) that $select may name. */
export const EVENT_PROPERTIES = [
  "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId", "originalStartTimeZone", "originalEndTimeZone",
  "iCalUId", "reminderMinutesBeforeStart", "isReminderOn", "hasAttachments", "subject", "bodyPreview", "importance", "sensitivity", "isAllDay",
  "isCancelled", "isOrganizer", "responseRequested", "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "isOnlineMeeting",
  "onlineMeetingProvider", "allowNewTimeProposals", "isDraft", "hideAttendees", "responseStatus", "body", "start", "end", "location", "locations",
  "recurrence", "attendees", "organizer", "onlineMeeting", "originalStart", "cancelledOccurrences",
];
const SELECT_ONLY = new Set(["cancelledOccurrences"]);

/** Enum properties sort by member value, not by name (importance: low < normal < high). */
const ENUM_ORDER: Record<string, readonly string[]> = {
  importance: ["low", "normal", "high"],
  sensitivity: ["normal", "personal", "private", "confidential"],
  showAs: ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"],
  type: ["singleInstance", "occurrence", "exception", "seriesMaster"],
};

function sortable(json: Record<string, unknown>): Record<string, unknown> {
  const out = { ...json };
  for (const [name, members] of Object.entries(ENUM_ORDER)) if (typeof out[name] === "string") out[name] = members.indexOf(out[name] as string);
  return out;
}

/**
 * Each request's query options by lower-case name without its `$`, the first of a name sent twice
 * kept: read once per request, as Express 5 parses the query string again on every read of req.query.
 */
const optionsByRequest = new WeakMap<Request, Map<string, string | undefined>>();

function optionsOf(req: Request): Map<string, string | undefined> {
  let options = optionsByRequest.get(req);
  if (options) return options;
  options = new Map();
  for (const [k, v] of Object.entries(req.query)) {
    const lower = k.toLowerCase();
    const name = lower.startsWith("$") ? lower.slice(1) : lower;
    if (!options.has(name)) options.set(name, Array.isArray(v) ? String(v[0]) : typeof v === "string" ? v : undefined);
  }
  optionsByRequest.set(req, options);
  return options;
}

/** Query options read case-insensitively ($Top, $top and top all work, as in Graph). */
export function queryOption(req: Request, name: string): string | undefined {
  return optionsOf(req).get(name.toLowerCase());
}

function odata<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ODataSyntaxError) throw graphErrors.invalidQuery(err.message);
    throw err;
  }
}

/** $select, checked against the event type; undefined when absent. */
export function selectOf(req: Request): string[] | undefined {
  const text = queryOption(req, "select");
  if (text === undefined) return undefined;
  const names = odata(() => parseSelect(text));
  return names.map((n) => {
    const known = EVENT_PROPERTIES.find((p) => p.toLowerCase() === n.toLowerCase());
    if (!known) throw graphErrors.unknownProperty(n, "microsoft.graph.event");
    return known;
  });
}

function count(req: Request, name: "top" | "skip"): number | undefined {
  const text = queryOption(req, name);
  if (text === undefined) return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(text)) throw graphErrors.invalidQuery(`Syntax error: $${name} must be a non-negative integer, but was '${text.slice(0, 100)}'.`);
  return Number(text.trim());
}

/**
 * An event item as JSON for the caller: their zone and body type, ReadBasic
 * trimming, $select. Selected properties keep the event's own order (as
 * Outlook writes them, not the order asked for), after @odata.etag and id;
 * selecting `location` brings `locations` too (user-list-events.md), Outlook
 * keeping the two in step.
 */
export function renderItem(item: EventItem, call: MailboxCall, select: string[] | undefined): Record<string, unknown> {
  const full = eventJson(item, { zone: call.prefs.zone, bodyType: call.prefs.bodyType, basic: call.basic });
  if (!select) return full;
  const wanted = new Set(["@odata.etag", "id", ...select, ...(select.includes("location") ? ["locations"] : [])]);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(full)) if (wanted.has(name)) out[name] = full[name];
  for (const name of select) if (SELECT_ONLY.has(name)) out[name] = selectOnlyJson(item, name);
  return out;
}

/** The nextLink: this request's URL on the caller's origin, with $skip moved on. */
function nextLink(req: Request, res: Response, skip: number): string {
  const url = new URL(req.originalUrl, ctxOf(res).origin);
  const kept = url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "" && !/^(%24|\$)?skip=/i.test(p));
  kept.push(`$skip=${skip}`);
  return `${url.origin}${url.pathname}?${kept.join("&")}`;
}

/**
 * Sends an event collection as Outlook does: $filter and $orderby over the
 * UTC form, pages of 10 (or $top, at most 1000) with $skip in @odata.nextLink.
 * `path` is the navigation path the route names (context.ts).
 */
export function sendEvents(req: Request, res: Response, call: MailboxCall, items: EventItem[] | EventWindow, path: string): void {
  const select = selectOf(req);
  const filterText = queryOption(req, "filter");
  const orderText = queryOption(req, "orderby");
  const filter: FilterExpr | undefined = filterText === undefined ? undefined : odata(() => parseFilter(filterText));
  const order: OrderByItem[] | undefined = orderText === undefined ? undefined : odata(() => parseOrderBy(orderText));
  const top = count(req, "top");
  const skip = count(req, "skip") ?? 0;
  // A window is merged only as far as the page goes, unless $filter or $orderby needs every item.
  let list: EventItem[] | EventWindow = items;
  if (filter || order) {
    let rows = (items instanceof EventWindow ? items.all() : items).map((item) => ({ item, json: eventJson(item, UTC_VIEW) }));
    if (filter) rows = rows.filter((r) => evaluateFilter(filter, r.json, { caseSensitive: false }));
    if (order) {
      const cmp = compareBy(order, { caseSensitive: false });
      rows = rows.map((r, i) => ({ ...r, key: sortable(r.json), i })).sort((a, b) => cmp(a.key, b.key) || a.i - b.i);
    }
    list = rows.map((r) => r.item);
  }
  const size = Math.min(top ?? call.prefs.maxPageSize ?? 10, 1000);
  const total = list instanceof EventWindow ? list.count : list.length;
  const page = list instanceof EventWindow ? list.slice(skip, size) : list.slice(skip, skip + size);
  const body: Record<string, unknown> = { "@odata.context": eventsContext(res, call, path, select) };
  if (/^true$/i.test(queryOption(req, "count") ?? "")) body["@odata.count"] = total;
  body.value = page.map((item) => renderItem(item, call, select));
  if (skip + size < total && size > 0) body["@odata.nextLink"] = nextLink(req, res, skip + size);
  applyPreferences(res, call.prefs, ["timezone", "body", ...(top === undefined ? (["pagesize"] as const) : [])]);
  res.json(body);
}
