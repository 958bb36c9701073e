import type { Request } from "express";
import { parseUserListQuery, type Options, type UserListQuery } from "./query.ts";

/** How many distinct query texts are kept parsed; the oldest go first. */
const MAX_QUERIES = 64;
/** Longer query texts are parsed every time (they are rarely repeated, and the key would be large). */
const MAX_KEY_LENGTH = 2048;

/**
 * Users queries already parsed and checked, by their query text: a client
 * that repeats a query (a page size, a filter, the next page's $skiptoken)
 * has it parsed, checked and fingerprinted once. Parsing is a function of
 * the query text and the ConsistencyLevel header alone, so a kept query is
 * exactly what parsing again would give; it is frozen, since requests share
 * it. Refused queries are not kept: they throw each time, as before.
 */
export class UserQueryCache {
  readonly #queries = new Map<string, UserListQuery>();

  /** `parseUserListQuery(options, eventual)` for the request whose query options `options` holds. */
  parse(req: Request, options: Options, eventual: boolean): UserListQuery {
    const at = req.url.indexOf("?");
    const key = `${eventual ? "e" : "-"}${at < 0 ? "" : req.url.slice(at + 1)}`;
    if (key.length > MAX_KEY_LENGTH) return parseUserListQuery(options, eventual);
    let q = this.#queries.get(key);
    if (!q) {
      q = deepFreeze(parseUserListQuery(options, eventual));
      if (this.#queries.size >= MAX_QUERIES) this.#queries.delete(this.#queries.keys().next().value as string);
      this.#queries.set(key, q);
    }
    return q;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
