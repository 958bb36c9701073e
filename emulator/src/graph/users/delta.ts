import type { Request, Response } from "express";
import type { DeepReadonly, Store } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { decodeSkipToken, encodeSkipToken, parseFilter, type FilterExpr } from "../odata/index.ts";
import { contextUrl } from "./links.ts";
import { changeHead, findUser } from "../../directory/users.ts";
import { principalOf } from "../../http/principal.ts";
import { parsed, parseUserSelect, readOptions } from "./query.ts";
import { userView } from "./views.ts";

/**
 * GET /users/delta. The first round lists every user (paged with
 * $skiptoken) and ends with an @odata.deltaLink; a later round with that
 * $deltatoken lists the users changed since (full, or only the changed
 * properties with `Prefer: return=minimal`) and the deleted ones as
 * `@removed`. $select and the `id eq` $filter are remembered in the tokens,
 * as Graph does, so the links carry nothing else. `$deltatoken=latest`
 * answers no users, only a deltaLink for changes from now on.
 */

interface DeltaState {
  /** "i": the initial listing; "c": changes between `from` and `to` in the change log. */
  p: "i" | "c";
  from: number;
  to: number;
  /** Offset of the next item (skip tokens only). */
  o: number;
  s: string | null;
  f: string | null;
}

type RUser = DeepReadonly<User>;
const MAX_IDS = 50;

/** Graph's delta accepts only `id eq '…'` clauses joined by `or`, at most 50 of them. */
function idFilter(text: string): Set<string> {
  const ids = new Set<string>();
  const walk = (e: FilterExpr): void => {
    if (e.kind === "or") {
      walk(e.left);
      walk(e.right);
    } else if (e.kind === "compare" && e.op === "eq" && e.left.kind === "property" && e.left.path.length === 1 && e.left.path[0]?.toLowerCase() === "id" && e.right.kind === "literal" && typeof e.right.value === "string") {
      ids.add(e.right.value.toLowerCase());
    } else {
      throw graphErrors.unsupportedQuery();
    }
  };
  walk(parsed("$filter", () => parseFilter(text)));
  if (ids.size > MAX_IDS) throw graphErrors.unsupportedQuery();
  return ids;
}

function readState(options: ReadonlyMap<string, string>): DeltaState | null {
  const skip = options.get("$skiptoken");
  const delta = options.get("$deltatoken");
  if (skip !== undefined && delta !== undefined) throw graphErrors.invalidDeltaToken();
  const token = skip ?? delta;
  if (token === undefined) return null;
  // `$deltatoken=latest`: no data, just a deltaLink from now on.
  if (delta === "latest") return { p: "c", from: -1, to: -1, o: 0, s: null, f: null };
  const s = decodeSkipToken(token);
  if (!s || s.k !== "delta" || (s.p !== "i" && s.p !== "c") || typeof s.from !== "number" || typeof s.to !== "number" || typeof s.o !== "number") {
    throw skip !== undefined ? graphErrors.invalidSkipToken() : graphErrors.invalidDeltaToken();
  }
  // A delta token starts a new round of changes from where the last one ended.
  if (delta !== undefined) return { p: "c", from: s.to, to: -1, o: 0, s: (s.s as string | null) ?? null, f: (s.f as string | null) ?? null };
  return { p: s.p, from: s.from, to: s.to, o: s.o, s: (s.s as string | null) ?? null, f: (s.f as string | null) ?? null };
}

/** The page size a `Prefer: odata.maxpagesize=N` asks for (default 100). */
function pageSize(req: Request): number {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(req.get("prefer") ?? "");
  const n = m ? Number(m[1]) : 100;
  return Math.min(Math.max(n, 1), 999);
}

interface Item {
  user?: RUser;
  id: string;
  removed?: boolean;
  changed?: string[];
}

/** The users changed in the log between two positions, last state per user, in order of last change. */
function changesBetween(t: DeepReadonly<TenantState>, from: number, to: number): Item[] {
  const byId = new Map<string, { created: boolean; deleted: boolean; props: Set<string> }>();
  for (const c of t.userChanges.slice(from, to)) {
    const entry = byId.get(c.userId) ?? { created: false, deleted: false, props: new Set<string>() };
    byId.delete(c.userId);
    if (c.kind === "created") entry.created = true;
    if (c.kind === "deleted") entry.deleted = true;
    for (const p of c.properties ?? []) entry.props.add(p === "managerId" ? "manager" : p);
    byId.set(c.userId, entry);
  }
  const items: Item[] = [];
  for (const [id, e] of byId) {
    const user = findUser(t, id);
    if (!user) items.push({ id, removed: true });
    else items.push({ id, user, ...(e.created ? {} : { changed: [...e.props] }) });
  }
  return items;
}

export function usersDelta(store: Store) {
  return (req: Request, res: Response): void => {
    const principal = principalOf(res);
    const options = readOptions(req, ["$select", "$filter", "$skiptoken", "$deltatoken"]);
    const state = readState(options) ?? { p: "i", from: 0, to: -1, o: 0, s: options.get("$select") ?? null, f: options.get("$filter") ?? null };
    const select = state.s === null ? null : parseUserSelect(new Map([["$select", state.s]]), false);
    const ids = state.f === null ? null : idFilter(state.f);
    const minimal = /return\s*=\s*minimal/i.test(req.get("prefer") ?? "");
    const size = pageSize(req);
    const body = store.read(principal.tenantId, (t) => {
      const head = changeHead(t);
      if (state.from === -1) return { value: [], next: null, to: head };
      if (state.from > head || state.to > head) throw graphErrors.invalidDeltaToken();
      const to = state.to < 0 ? head : state.to;
      let items: Item[] = state.p === "i" ? t.users.map((user) => ({ id: user.id, user })) : changesBetween(t, state.from, to);
      if (ids) items = items.filter((i) => ids.has(i.id.toLowerCase()));
      const pageItems = items.slice(state.o, state.o + size);
      const value = pageItems.map((item) => view(item, select?.properties ?? null, minimal));
      const next = state.o + size < items.length ? state.o + size : null;
      return { value, next, to };
    });
    const base = `${ctxOf(res).origin}${req.originalUrl.split("?")[0]}`;
    const common = { k: "delta", s: state.s, f: state.f };
    const link =
      body.next !== null
        ? { "@odata.nextLink": `${base}?$skiptoken=${encodeURIComponent(encodeSkipToken({ ...common, p: state.p, from: state.from, to: body.to, o: body.next }))}` }
        : { "@odata.deltaLink": `${base}?$deltatoken=${encodeURIComponent(encodeSkipToken({ ...common, p: "c", from: body.to, to: body.to, o: 0 }))}` };
    const applied = [minimal ? "return=minimal" : "", req.get("prefer")?.match(/odata\.maxpagesize/i) ? `odata.maxpagesize=${size}` : ""].filter(Boolean);
    if (applied.length > 0) res.set("Preference-Applied", applied.join(", "));
    res.json({ "@odata.context": contextUrl(res, "users", select?.context ?? null, false), ...link, value: body.value });
  };
}

function view(item: Item, select: readonly string[] | null, minimal: boolean): Record<string, unknown> {
  if (item.removed || !item.user) return { "@odata.type": "#microsoft.graph.user", id: item.id, "@removed": { reason: "changed" } };
  const full = userView(item.user, select);
  if (!minimal || !item.changed) return { ...full, id: item.user.id };
  const out: Record<string, unknown> = { id: item.user.id };
  for (const name of item.changed) if (name in full) out[name] = full[name];
  return out;
}
