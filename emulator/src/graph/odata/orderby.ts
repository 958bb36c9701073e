/** $orderby parsing and a sort comparator. */
import { checkInput } from "./errors.ts";
import { describeToken, tokenize, TokenStream } from "./lexer.ts";
import type { EvaluateOptions, OrderByItem } from "./types.ts";
import { sortCompare, walkPath } from "./values.ts";

/** Parses `displayName desc, address/city` into items; direction keywords are case-insensitive. */
export function parseOrderBy(text: string): OrderByItem[] {
  checkInput(text, "$orderby");
  const s = new TokenStream(text, tokenize(text));
  const items: OrderByItem[] = [];
  for (;;) {
    const first = s.peek();
    if (first.type !== "ident") {
      const where = items.length === 0 ? "" : " after ','";
      throw s.error(`expected a property name${where} but found ${describeToken(first)}`, first);
    }
    const path = [first.text];
    s.next();
    while (s.isPunct("/")) {
      s.next();
      const seg = s.peek();
      if (seg.type !== "ident") throw s.error(`expected a property name after '/' but found ${describeToken(seg)}`, seg);
      path.push(seg.text);
      s.next();
    }
    let direction: OrderByItem["direction"] = "asc";
    if (s.isKeyword("desc")) direction = "desc";
    if (s.isKeyword("asc") || s.isKeyword("desc")) s.next();
    items.push({ path, direction });
    const t = s.peek();
    if (t.type === "eof") return items;
    if (t.type === "punct" && t.text === ",") { s.next(); continue; }
    throw s.error(`expected 'asc', 'desc', ',' or the end of $orderby but found ${describeToken(t)}`, t);
  }
}

/** A comparator for Array.prototype.sort: multi-key; nulls/missing sort first ascending (last descending), as Graph does. */
export function compareBy(items: OrderByItem[], options?: EvaluateOptions): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const cs = options?.caseSensitive === true;
  return (a, b) => {
    for (const item of items) {
      const c = sortCompare(walkPath(a, item.path), walkPath(b, item.path), cs);
      if (c !== 0) return item.direction === "desc" ? -c : c;
    }
    return 0;
  };
}
