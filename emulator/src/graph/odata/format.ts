/**
 * formatFilter: turns a FilterExpr back into canonical $filter text (parseFilter(formatFilter(e)) deep-equals e).
 * `in` values are plain literals (type lost), so they are always emitted quoted/plain — never as unquoted GUID/datetime.
 */
import type { FilterExpr, Literal, ValueExpr } from "./types.ts";

export function formatLiteral(value: Literal, type?: string): string {
  if (value === null) return "null";
  if (typeof value === "string") return type === "datetime" || type === "guid" ? value : `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

export function formatValue(v: ValueExpr): string {
  switch (v.kind) {
    case "property": return v.path.join("/");
    case "literal": return formatLiteral(v.value, v.type);
    case "call": return `${v.name}(${v.args.map(formatValue).join(", ")})`;
  }
}

export function formatFilter(e: FilterExpr): string {
  switch (e.kind) {
    case "compare": return `${formatValue(e.left)} ${e.op} ${formatValue(e.right)}`;
    case "and": case "or": return `${group(e.left)} ${e.kind} ${group(e.right)}`;
    case "not": return `not (${formatFilter(e.expr)})`;
    case "in": return `${formatValue(e.left)} in (${e.values.map((v) => formatLiteral(v)).join(", ")})`;
    case "function": return `${e.name}(${formatValue(e.args[0])}, ${formatValue(e.args[1])})`;
    case "lambda": {
      const body = e.variable === null || e.predicate === null ? "" : `${e.variable}: ${formatFilter(e.predicate)}`;
      return `${e.collection.join("/")}/${e.op}(${body})`;
    }
    case "boolean": return formatValue(e.value);
  }
}

function group(e: FilterExpr): string {
  return e.kind === "and" || e.kind === "or" ? `(${formatFilter(e)})` : formatFilter(e);
}
