/** filterProperties: lists every property path a parsed $filter reads, for feature code to check against what it supports. */
import type { FilterExpr, FilterPropertyUse, ValueExpr } from "./types.ts";

type Scope = ReadonlyMap<string, string[]>;

/** Every property path the filter reads (lambda variables resolved to "collection/sub" form), in source order. */
export function filterProperties(expr: FilterExpr): FilterPropertyUse[] {
  const out: FilterPropertyUse[] = [];
  walk(expr, new Map(), false, out);
  return out;
}

function resolve(path: string[], scope: Scope): string[] {
  const [head, ...rest] = path;
  if (head === undefined) return path;
  const bound = scope.get(head);
  if (bound) return [...bound, ...rest];
  if (head === "$it") return rest;
  return path;
}

function paths(v: ValueExpr, scope: Scope): string[][] {
  switch (v.kind) {
    case "literal": return [];
    case "property": {
      const p = resolve(v.path, scope);
      return p.length > 0 ? [p] : [];
    }
    case "call": return v.args.flatMap((a) => paths(a, scope));
  }
}

function use(path: string[], usage: FilterPropertyUse["usage"], op: string | undefined, negated: boolean, comparesNull = false): FilterPropertyUse {
  const u: FilterPropertyUse = { path, usage };
  if (op !== undefined) u.op = op;
  if (negated) u.negated = true;
  if (comparesNull) u.comparesNull = true;
  return u;
}

const isNull = (v: ValueExpr) => v.kind === "literal" && v.value === null;

function walk(expr: FilterExpr, scope: Scope, negated: boolean, out: FilterPropertyUse[]): void {
  switch (expr.kind) {
    case "and": case "or":
      walk(expr.left, scope, negated, out);
      walk(expr.right, scope, negated, out);
      return;
    case "not":
      walk(expr.expr, scope, true, out);
      return;
    case "compare": {
      const nullCmp = isNull(expr.left) || isNull(expr.right);
      for (const p of [...paths(expr.left, scope), ...paths(expr.right, scope)]) out.push(use(p, "compare", expr.op, negated, nullCmp));
      return;
    }
    case "in":
      for (const p of paths(expr.left, scope)) out.push(use(p, "in", "in", negated));
      return;
    case "function":
      for (const p of [...paths(expr.args[0], scope), ...paths(expr.args[1], scope)]) out.push(use(p, "function", expr.name, negated));
      return;
    case "boolean":
      for (const p of paths(expr.value, scope)) out.push(use(p, "boolean", undefined, negated));
      return;
    case "lambda": {
      const coll = resolve(expr.collection, scope);
      out.push(use(coll, "lambda", expr.op, negated));
      if (expr.predicate !== null && expr.variable !== null) {
        const inner = new Map(scope);
        inner.set(expr.variable, coll);
        walk(expr.predicate, inner, negated, out);
      }
      return;
    }
  }
}
