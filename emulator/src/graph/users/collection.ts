import type { Request, Response } from "express";
import type { Store } from "../../store/store.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { parseExpand, withManager } from "./expand.ts";
import { contextUrl, nextPageLink } from "./links.ts";
import { runUserQuery } from "./list.ts";
import { principalOf } from "../../http/principal.ts";
import { isEventual, LIST_OPTIONS, parseUserListQuery, readOptions } from "./query.ts";
import { UserQueryCache } from "./query-cache.ts";
import { userView } from "./views.ts";
import { collectionText, userViewTexts } from "./view-text.ts";
import { sendJsonText } from "../../http/send-json.ts";

/** GET /users: OData $select, $filter, $orderby, $search, $top, $count and $skiptoken paging. */
export function listUsers(store: Store) {
  const queries = new UserQueryCache();
  return (req: Request, res: Response): void => {
    const principal = principalOf(res);
    const options = readOptions(req, [...LIST_OPTIONS, "$expand"]);
    const q = queries.parse(req, options, isEventual(req));
    const expand = parseExpand(options);
    const select = q.select?.properties ?? null;
    const result = store.read(principal.tenantId, (t) => {
      const page = runUserQuery(t, q);
      // Without $expand each user is its ready view text; a manager inline is built each time.
      const text = expand ? (u: (typeof page.items)[number]) => JSON.stringify(withManager(t, u, userView(u, select), expand)) : userViewTexts(t, select);
      return { ...page, value: page.items.map(text) };
    });
    const head = {
      "@odata.context": contextUrl(res, "users", q.select?.context ?? null, false),
      ...(result.count !== undefined ? { "@odata.count": result.count } : {}),
      ...(result.next !== null ? { "@odata.nextLink": nextPageLink(req, res, q.fingerprint, result.next) } : {}),
    };
    sendJsonText(res, collectionText(head, result.value));
  };
}

/** GET /users/$count: the number as text/plain; needs ConsistencyLevel: eventual. */
export function countUsers(store: Store) {
  return (req: Request, res: Response): void => {
    const principal = principalOf(res);
    const options = readOptions(req, ["$filter", "$search"]);
    if (!isEventual(req)) throw graphErrors.countNotSupported();
    // The $count segment is itself the count: the header alone makes this an advanced query.
    const q = parseUserListQuery(new Map([...options, ["$count", "true"]]), true);
    const count = store.read(principal.tenantId, (t) => runUserQuery(t, { ...q, top: 1, offset: 0, count: true }).count ?? 0);
    res.type("text/plain").send(String(count));
  };
}
