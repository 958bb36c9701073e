import { createHash } from "node:crypto";
import type { Request } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import {
  decodeSkipToken,
  ODataSyntaxError,
  parseFilter,
  parseOrderBy,
  parseSearch,
  parseSelect,
  parseTop,
  type FilterExpr,
  type OrderByItem,
  type SearchExpr,
} from "../odata/index.ts";
import { checkUserFilter } from "./filter-rules.ts";
import { userProperty } from "./properties.ts";

/** The system query options a request carries: lower-cased name → text. */
export type Options = ReadonlyMap<string, string>;

/**
 * Reads `$`-prefixed query options, case-insensitively; each may appear once.
 * `allowed` lists those the endpoint understands; `$skip` gets Graph's own
 * refusal, anything else Microsoft.OData.Core's.
 */
export function readOptions(req: Request, allowed: readonly string[]): Options {
  const out = new Map<string, string>();
  const written = new Map<string, string>();
  const raw = req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "";
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (!name.startsWith("$")) continue;
    const key = name.toLowerCase();
    if (out.has(key)) throw graphErrors.duplicateQueryOption(name);
    out.set(key, eq < 0 ? "" : decode(pair.slice(eq + 1)));
    written.set(key, name);
  }
  for (const key of out.keys()) {
    if (allowed.includes(key)) continue;
    if (key === "$skip") throw graphErrors.skipNotSupported();
    if (key === "$filter" || key === "$orderby" || key === "$top" || key === "$count") {
      throw graphErrors.userQuerySyntax(
        "The query specified in the URI is not valid. Query options $filter, $orderby, $count, $skip, and $top can be applied only on collections.",
      );
    }
    if (key === "$format") continue;
    throw graphErrors.unknownQueryOption(written.get(key) ?? key);
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw graphErrors.userQuerySyntax(`The query string contains malformed percent-encoding: '${text.slice(0, 100)}'.`);
  }
}

/** Turns a parser error into Graph's 400 naming the option and the problem. */
export function parsed<T>(option: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ODataSyntaxError) {
      throw graphErrors.userQuerySyntax(option === "$filter" ? `Invalid filter clause: ${err.message}` : `Invalid ${option} query option: ${err.message}`);
    }
    throw err;
  }
}

/** True when the caller sent `ConsistencyLevel: eventual` (an advanced query). */
export function isEventual(req: Request): boolean {
  return (req.get("consistencylevel") ?? "").trim().toLowerCase() === "eventual";
}

export interface SelectSpec {
  /** Canonical names of the known selected properties, in request order. */
  properties: string[];
  /** The names as they go into @odata.context. */
  context: string[];
}

/** $select for users: known names canonicalized, unknown names ignored (user is an open type). */
export function parseUserSelect(options: Options, list: boolean): SelectSpec | null {
  const text = options.get("$select");
  if (text === undefined) return null;
  const names = parsed("$select", () => parseSelect(text));
  const properties: string[] = [];
  const context: string[] = [];
  for (const name of names) {
    const prop = userProperty(name);
    if (prop && list && prop.singleOnly) throw graphErrors.selectSingleOnly(prop.name);
    context.push(prop?.name ?? name);
    if (prop) properties.push(prop.name);
  }
  return { properties, context };
}

/** $top: 1 to 999, else Graph's page-size error; 100 when absent. */
export function parseUserTop(options: Options): number {
  const text = options.get("$top");
  if (text === undefined) return 100;
  const top = parsed("$top", () => parseTop(text));
  if (top < 1 || top > 999) throw graphErrors.invalidPageSize(text.trim());
  return top;
}

/** $count=true|false (Microsoft.OData.Core accepts only these). */
export function parseCount(options: Options): boolean {
  const text = options.get("$count");
  if (text === undefined) return false;
  const v = text.trim().toLowerCase();
  if (v !== "true" && v !== "false") throw graphErrors.userQuerySyntax(`'${text}' is not a valid count option.`);
  return v === "true";
}

/** Properties $search accepts on users (tokenized, word-prefix match). */
const SEARCHABLE = new Set(["displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName", "otherMails", "proxyAddresses"]);

export interface UserListQuery {
  select: SelectSpec | null;
  filter: FilterExpr | null;
  orderBy: OrderByItem[] | null;
  search: SearchExpr | null;
  top: number;
  /** Whether to return @odata.count (only for advanced queries, and not on later pages). */
  count: boolean;
  /** Position of the first item, from $skiptoken. */
  offset: number;
  /** Identifies the query for its skip tokens. */
  fingerprint: string;
}

export const LIST_OPTIONS = ["$select", "$filter", "$orderby", "$top", "$count", "$search", "$skiptoken"];

/** Parses and checks the options of GET /users (and directReports), applying Graph's advanced-query rules. */
export function parseUserListQuery(options: Options, eventual: boolean): UserListQuery {
  const select = parseUserSelect(options, true);
  const top = parseUserTop(options);
  const countAsked = parseCount(options);
  const advanced = eventual && countAsked;

  let search: SearchExpr | null = null;
  const searchText = options.get("$search");
  if (searchText !== undefined) {
    if (!eventual) throw graphErrors.searchNeedsConsistencyLevel();
    search = parsed("$search", () => parseSearch(searchText));
    checkSearch(search);
  }

  let filter: FilterExpr | null = null;
  const filterText = options.get("$filter");
  if (filterText !== undefined) {
    const checked = checkUserFilter(parsed("$filter", () => parseFilter(filterText)));
    if (checked.advanced && !advanced) throw graphErrors.unsupportedQuery();
    filter = checked.expr;
  }

  let orderBy: OrderByItem[] | null = null;
  const orderText = options.get("$orderby");
  if (orderText !== undefined) {
    orderBy = parsed("$orderby", () => parseOrderBy(orderText)).map((item) => {
      const [head, ...rest] = item.path;
      const prop = userProperty(head ?? "");
      if (!prop) throw graphErrors.userPropertyNotDeclared(head ?? "");
      if (rest.length > 0 || !prop.orderBy) throw graphErrors.sortingNotSupported();
      // Sorting a filtered or searched set, or on an advanced-only property, needs an advanced query.
      if ((prop.orderBy === "A" || filter || search) && !advanced) throw graphErrors.sortingNotSupported();
      return { path: [prop.name], direction: item.direction };
    });
  }

  const fingerprint = createHash("sha256")
    .update(JSON.stringify([filterText ?? null, orderText ?? null, searchText ?? null]))
    .digest("base64url")
    .slice(0, 10);
  const offset = readSkipToken(options, fingerprint);
  return { select, filter, orderBy, search, top, count: eventual && countAsked && offset === 0, offset, fingerprint };
}

function checkSearch(expr: SearchExpr): void {
  if (expr.kind !== "term") {
    checkSearch(expr.left);
    checkSearch(expr.right);
    return;
  }
  const prop = userProperty(expr.property);
  if (!prop) throw graphErrors.userPropertyNotDeclared(expr.property);
  if (!SEARCHABLE.has(prop.name)) throw graphErrors.userSearchNotSupported(prop.name);
  expr.property = prop.name;
}

/** The offset a $skiptoken carries; the token must belong to the same query. */
export function readSkipToken(options: Options, fingerprint: string): number {
  const token = options.get("$skiptoken");
  if (token === undefined) return 0;
  const state = decodeSkipToken(token);
  if (!state || state.q !== fingerprint || typeof state.o !== "number" || !Number.isSafeInteger(state.o) || state.o < 0) {
    throw graphErrors.invalidSkipToken();
  }
  return state.o;
}
