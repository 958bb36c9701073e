import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { userIndex } from "../../directory/user-index.ts";
import { userView } from "./views.ts";

type RUser = DeepReadonly<User>;

/** The directory's key for a projection: Graph's default view, or a $select list (canonical names, in order). */
const viewKey = (select: readonly string[] | null): string => (select ? `select:${select.join(",")}` : "default");

/**
 * Users' views as JSON text for one projection: for each user, exactly
 * `JSON.stringify(userView(user, select))`, rendered once and then kept in the
 * directory's view cache until the user changes.
 */
export function userViewTexts(t: DeepReadonly<TenantState>, select: readonly string[] | null): (user: RUser) => string {
  const texts = userIndex(t).views.view(viewKey(select));
  const render = (user: RUser): string => JSON.stringify(userView(user, select));
  return (user) => texts.text(user, render);
}

/**
 * A collection answer as text: `head`'s annotations in their order, then
 * `value` holding the items, each already JSON text. The same bytes as
 * `JSON.stringify({ ...head, value })` with `value` the parsed items.
 */
export function collectionText(head: Readonly<Record<string, unknown>>, items: readonly string[]): string {
  const annotations = JSON.stringify(head);
  const value = `"value":[${items.join(",")}]}`;
  return annotations === "{}" ? `{${value}` : `${annotations.slice(0, -1)},${value}`;
}

/**
 * A single entity's answer as text: `head`'s annotations, then the
 * properties of `item`, already JSON text of an object. The same bytes as
 * `JSON.stringify({ ...head, ...item })` when `item` has no key of `head`.
 */
export function entityText(head: Readonly<Record<string, unknown>>, item: string): string {
  const annotations = JSON.stringify(head);
  if (annotations === "{}") return item;
  return item === "{}" ? annotations : `${annotations.slice(0, -1)},${item.slice(1)}`;
}
