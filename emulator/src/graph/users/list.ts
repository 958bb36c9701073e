import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { compareBy, evaluateFilter, evaluateSearch, type FilterExpr, type SearchExpr } from "../odata/index.ts";
import { planFilter } from "./filter-plan.ts";
import type { UserListQuery } from "./query.ts";
import { userIndex, type IndexEntry } from "../../directory/user-index.ts";

type RUser = DeepReadonly<User>;
type Entity = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Offset of the next page, or null on the last one. */
  next: number | null;
  /** Total number of matches, when asked for. */
  count?: number;
}

/** Properties whose sorted index can serve $orderby on its own: they are never null. */
const ALWAYS_SET = new Set(["displayName", "userPrincipalName"]);

function* forward(entries: readonly IndexEntry[]): Iterable<RUser> {
  for (const e of entries) yield e.user;
}

function* backward(entries: readonly IndexEntry[]): Iterable<RUser> {
  for (let i = entries.length - 1; i >= 0; i--) yield (entries[i] as IndexEntry).user;
}

/**
 * Runs a users query over `pool` (all users by default, or e.g. someone's
 * direct reports): the filter is planned through the indexes when it can be,
 * otherwise scanned; results are sorted only when the source order does not
 * already match $orderby; a page is cut without materializing the rest
 * unless $count or a sort needs it.
 */
export function runUserQuery(t: DeepReadonly<TenantState>, q: UserListQuery, pool?: readonly RUser[]): Page<RUser> {
  const index = userIndex(t);
  const sort = q.orderBy;
  const single = sort && sort.length === 1 ? sort[0] : undefined;
  const sortProperty = single?.path[0];
  let source: Iterable<RUser> = pool ?? t.users;
  let presorted = !sort;
  let filter = q.filter;
  if (!pool && q.filter) {
    const plan = planFilter(q.filter, index);
    if (plan) {
      source = plan.iterate();
      presorted ||= single?.direction === "asc" && plan.orderedBy === sortProperty;
      if (plan.exact) filter = null;
    }
  } else if (!pool && single && sortProperty && ALWAYS_SET.has(sortProperty)) {
    const entries = index.sorted(sortProperty);
    source = single.direction === "asc" ? forward(entries) : backward(entries);
    presorted = true;
  }
  const rows = filtered(source, filter, q.search);
  if (presorted) return page(rows, q);
  const all = [...rows];
  all.sort(compareBy(sort ?? [], {}) as unknown as (a: RUser, b: RUser) => number);
  return slice(all, q);
}

function* filtered(source: Iterable<RUser>, filter: FilterExpr | null, search: SearchExpr | null): Iterable<RUser> {
  for (const u of source) {
    if (filter && !evaluateFilter(filter, u as unknown as Entity)) continue;
    if (search && !evaluateSearch(search, u as unknown as Entity)) continue;
    yield u;
  }
}

function slice<T>(all: readonly T[], q: Pick<UserListQuery, "offset" | "top" | "count">): Page<T> {
  const end = q.offset + q.top;
  return { items: all.slice(q.offset, end), next: end < all.length ? end : null, ...(q.count ? { count: all.length } : {}) };
}

/** Cuts a page from an iterable in order, counting the rest only when $count asks for it. */
export function page<T>(rows: Iterable<T>, q: Pick<UserListQuery, "offset" | "top" | "count">): Page<T> {
  const items: T[] = [];
  let seen = 0;
  let more = false;
  const end = q.offset + q.top;
  for (const row of rows) {
    if (seen >= q.offset && seen < end) items.push(row);
    seen++;
    if (seen > end) {
      more = true;
      if (!q.count) break;
    }
  }
  return { items, next: more ? end : null, ...(q.count ? { count: seen } : {}) };
}
