/**
 * Evaluates a parsed $filter against a plain object.
 *
 * Semantics: string comparisons and string functions are case-insensitive (as Entra directory queries are) unless
 * `caseSensitive`; GUID literals always compare case-insensitively. A comparison with a datetime literal compares
 * instants (the property may hold a Date or an ISO string). `eq null` matches null and missing properties; with one
 * null operand gt/lt/ge/le are false (ge/le are true when both are null). Mismatched kinds are never equal and never
 * ordered. Never throws for any parsed expression and any entity.
 */
import type { CompareOp, EvaluateOptions, FilterExpr, Literal, ValueExpr } from "./types.ts";
import { fold, isNullish, orderValues, toInstant, walkPath } from "./values.ts";

interface Ctx { root: Record<string, unknown>; scope: ReadonlyMap<string, unknown>; cs: boolean }

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function evaluateFilter(expr: FilterExpr, entity: Record<string, unknown>, options?: EvaluateOptions): boolean {
  return evalFilter(expr, { root: entity, scope: new Map(), cs: options?.caseSensitive === true });
}

function evalFilter(expr: FilterExpr, ctx: Ctx): boolean {
  switch (expr.kind) {
    case "and": return evalFilter(expr.left, ctx) && evalFilter(expr.right, ctx);
    case "or": return evalFilter(expr.left, ctx) || evalFilter(expr.right, ctx);
    case "not": return !evalFilter(expr.expr, ctx);
    case "boolean": return evalValue(expr.value, ctx) === true;
    case "compare": {
      const asDates = isLiteralOf(expr.left, "datetime") || isLiteralOf(expr.right, "datetime");
      const guid = isLiteralOf(expr.left, "guid") || isLiteralOf(expr.right, "guid");
      return compareValues(expr.op, evalValue(expr.left, ctx), evalValue(expr.right, ctx), ctx.cs && !guid, asDates);
    }
    case "in": {
      const left = evalValue(expr.left, ctx);
      return expr.values.some((v) => inListMatch(left, v, ctx.cs));
    }
    case "function": return evalStringFunction(expr.name, evalValue(expr.args[0], ctx), evalValue(expr.args[1], ctx), ctx.cs);
    case "lambda": {
      const coll = evalValue({ kind: "property", path: expr.collection }, ctx);
      const items: unknown[] = Array.isArray(coll) ? coll : [];
      const { predicate, variable } = expr;
      if (predicate === null || variable === null) return expr.op === "any" ? items.length > 0 : true;
      const test = (item: unknown) => {
        const scope = new Map(ctx.scope);
        scope.set(variable, item);
        return evalFilter(predicate, { ...ctx, scope });
      };
      return expr.op === "any" ? items.some(test) : items.every(test);
    }
  }
}

function isLiteralOf(v: ValueExpr, type: string): boolean {
  return v.kind === "literal" && v.type === type;
}

function inListMatch(left: unknown, v: Literal, cs: boolean): boolean {
  const asDates = toInstant(left) !== undefined && toInstant(v) !== undefined;
  const guid = typeof v === "string" && GUID_TEXT.test(v);
  return compareValues("eq", left, v, cs && !guid, asDates);
}

/** OData comparison of two evaluated operands (see the module comment for null and type rules). */
export function compareValues(op: CompareOp, l: unknown, r: unknown, caseSensitive: boolean, asDates: boolean): boolean {
  const ln = isNullish(l);
  const rn = isNullish(r);
  if (ln || rn) {
    const both = ln && rn;
    switch (op) {
      case "eq": case "ge": case "le": return both;
      case "ne": return !both;
      default: return false;
    }
  }
  const order = orderValues(l, r, caseSensitive, asDates);
  switch (op) {
    case "eq": return order === 0;
    case "ne": return order !== 0;
    case "gt": return order !== undefined && order > 0;
    case "ge": return order !== undefined && order >= 0;
    case "lt": return order !== undefined && order < 0;
    case "le": return order !== undefined && order <= 0;
  }
}

function evalStringFunction(name: string, a: unknown, b: unknown, cs: boolean): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const x = fold(a, cs);
  const y = fold(b, cs);
  switch (name) {
    case "startswith": return x.startsWith(y);
    case "endswith": return x.endsWith(y);
    case "contains": return x.includes(y);
    default: return false;
  }
}

function evalValue(v: ValueExpr, ctx: Ctx): unknown {
  switch (v.kind) {
    case "literal": return v.value;
    case "property": {
      const [head, ...rest] = v.path;
      if (head === undefined) return undefined;
      if (ctx.scope.has(head)) return walkPath(ctx.scope.get(head), rest);
      if (head === "$it") return walkPath(ctx.root, rest);
      return walkPath(ctx.root, v.path);
    }
    case "call": return evalCall(v.name, v.args.map((a) => evalValue(a, ctx)), ctx.cs);
  }
}

const DATE_PARTS: Record<string, (d: Date) => number> = {
  year: (d) => d.getUTCFullYear(), month: (d) => d.getUTCMonth() + 1, day: (d) => d.getUTCDate(),
  hour: (d) => d.getUTCHours(), minute: (d) => d.getUTCMinutes(), second: (d) => d.getUTCSeconds(),
};

function evalCall(name: string, args: unknown[], cs: boolean): unknown {
  const [a, b, c] = args;
  const str = (x: unknown): x is string => typeof x === "string";
  const int = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
  switch (name) {
    case "tolower": return str(a) ? a.toLowerCase() : null;
    case "toupper": return str(a) ? a.toUpperCase() : null;
    case "trim": return str(a) ? a.trim() : null;
    case "length": return str(a) || Array.isArray(a) ? a.length : null;
    case "concat": return str(a) && str(b) ? a + b : null;
    case "indexof": return str(a) && str(b) ? fold(a, cs).indexOf(fold(b, cs)) : null;
    case "substring": {
      if (!str(a) || !int(b) || (c !== undefined && !int(c))) return null;
      const start = Math.max(0, b);
      return c === undefined ? a.slice(start) : a.slice(start, start + Math.max(0, c));
    }
    default: {
      const part = DATE_PARTS[name];
      const ms = toInstant(a);
      return part && ms !== undefined ? part(new Date(ms)) : null;
    }
  }
}
