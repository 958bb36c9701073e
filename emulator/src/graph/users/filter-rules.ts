import type { CompareOp, FilterExpr, Literal, LiteralType, ValueExpr } from "../odata/index.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { isCollection, userProperty, type Level, type UserProperty } from "./properties.ts";

/**
 * Checks a parsed $filter against what Graph allows on users, the way Entra
 * does: unknown properties, unsupported operators and functions are refused
 * with Microsoft's errors; clauses that only work as advanced queries (ne,
 * not, eq null, endsWith, advanced-only properties, $count segments) are
 * flagged so the caller can insist on ConsistencyLevel: eventual.
 * Returns the filter with property names in their canonical case.
 */
export interface CheckedFilter {
  expr: FilterExpr;
  advanced: boolean;
}

interface Walk {
  advanced: boolean;
  /** Lambda variable → the collection property it ranges over. */
  scope: Map<string, UserProperty>;
}

const FLIP: Record<CompareOp, CompareOp> = { eq: "eq", ne: "ne", gt: "lt", lt: "gt", ge: "le", le: "ge" };

export function checkUserFilter(expr: FilterExpr): CheckedFilter {
  const w: Walk = { advanced: false, scope: new Map() };
  return { expr: walk(expr, w), advanced: w.advanced };
}

function need(w: Walk, level: Level | undefined, property: string): void {
  if (level === undefined) throw graphErrors.userFilterNotSupported(property);
  if (level === "A") w.advanced = true;
}

interface Resolved {
  path: string[];
  prop: UserProperty;
  /** Inside a lambda over `prop` (the any level applies). */
  inLambda: boolean;
  /** Reads a $count segment. */
  count: boolean;
}

/** Resolves a property path to a known user property, canonicalizing its first segment. */
function resolve(v: ValueExpr, w: Walk): Resolved {
  if (v.kind === "call") {
    const inner = v.args.find((a) => a.kind !== "literal");
    throw graphErrors.userFilterNotSupported(inner?.kind === "property" ? inner.path.join("/") : v.name);
  }
  if (v.kind !== "property") throw graphErrors.unsupportedQuery();
  const [head, ...rest] = v.path;
  if (head === undefined) throw graphErrors.unsupportedQuery();
  const bound = w.scope.get(head);
  if (bound) return { path: [head, ...rest], prop: bound, inLambda: true, count: false };
  const prop = userProperty(head);
  if (!prop) throw graphErrors.userPropertyNotDeclared(head);
  const count = rest.includes("$count");
  if (rest.length > 0 && !count && isCollection(prop)) throw graphErrors.userFilterNotSupported(prop.name);
  if (rest.length > 0 && !count && prop.type.startsWith("Edm.")) throw graphErrors.userPropertyNotDeclared(rest[0] as string);
  if (count && !isCollection(prop)) throw graphErrors.userFilterNotSupported(prop.name);
  return { path: [prop.name, ...rest], prop, inLambda: false, count };
}

/** Microsoft.OData.Core's check that a literal fits the property's type. */
function checkType(r: Resolved, type: LiteralType, op: string): void {
  if (type === "null" || r.count) return;
  const edm = r.inLambda ? r.prop.type.replace(/^Collection\((.*)\)$/, "$1") : r.prop.type;
  const ok =
    edm === "Edm.String" || edm === "Collection(Edm.String)"
      ? type === "string" || type === "guid"
      : edm === "Edm.Boolean"
        ? type === "boolean"
        : edm === "Edm.DateTimeOffset"
          ? type === "datetime"
          : edm === "Edm.Int32"
            ? type === "number"
            : true;
  if (!ok) {
    const found = { string: "Edm.String", guid: "Edm.Guid", boolean: "Edm.Boolean", datetime: "Edm.DateTimeOffset", number: "Edm.Int32" }[type];
    throw graphErrors.userQuerySyntax(
      `A binary operator with incompatible types was detected. Found operand types '${edm}' and '${found}' for operator kind '${op}'.`,
    );
  }
}

const OP_KIND: Record<CompareOp, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };

function levelFor(r: Resolved, rule: "eq" | "in" | "startsWith" | "range" | "endsWith"): Level | undefined {
  if (r.count) return "A";
  const f = r.prop.filter;
  if (!f) return undefined;
  if (r.inLambda) return rule === "eq" || rule === "in" || rule === "startsWith" ? f.any : undefined;
  if (rule === "in") return f.in ?? f.eq;
  return f[rule];
}

function walk(e: FilterExpr, w: Walk): FilterExpr {
  switch (e.kind) {
    case "and":
    case "or":
      return { kind: e.kind, left: walk(e.left, w), right: walk(e.right, w) };
    case "not":
      w.advanced = true;
      return { kind: "not", expr: walk(e.expr, w) };
    case "compare": {
      let { left, right, op } = e;
      if (left.kind === "literal" && right.kind !== "literal") [left, right, op] = [right, left, FLIP[op]];
      const r = resolve(left, w);
      if (right.kind !== "literal") throw graphErrors.unsupportedQuery();
      checkType(r, right.type, OP_KIND[op]);
      const name = r.prop.name;
      if (op === "gt" || op === "lt") throw graphErrors.userFilterNotSupported(name);
      if (op === "ge" || op === "le") need(w, levelFor(r, "range"), name);
      else need(w, levelFor(r, "eq"), name);
      // ne, and eq/ne null, are advanced queries everywhere.
      if (op === "ne" || right.value === null) w.advanced = true;
      return { kind: "compare", op, left: { kind: "property", path: r.path }, right };
    }
    case "in": {
      const r = resolve(e.left, w);
      need(w, levelFor(r, "in"), r.prop.name);
      // `in` lists carry bare values; date-times arrive as text, so only strings and booleans are checked.
      if (r.prop.type !== "Edm.DateTimeOffset") for (const v of e.values) checkType(r, literalType(v), "In");
      if (e.values.includes(null)) w.advanced = true;
      return { kind: "in", left: { kind: "property", path: r.path }, values: e.values };
    }
    case "function": {
      const r = resolve(e.args[0], w);
      const arg = e.args[1];
      if (arg.kind !== "literal" || typeof arg.value !== "string") throw graphErrors.userFilterNotSupported(r.prop.name);
      if (e.name === "contains") throw graphErrors.userFilterNotSupported(r.prop.name);
      need(w, levelFor(r, e.name === "startswith" ? "startsWith" : "endsWith"), r.prop.name);
      return { kind: "function", name: e.name, args: [{ kind: "property", path: r.path }, arg] };
    }
    case "lambda": {
      const [head, ...rest] = e.collection;
      const prop = head === undefined ? undefined : userProperty(head);
      if (!prop) throw graphErrors.userPropertyNotDeclared(head ?? "");
      if (rest.length > 0 || !isCollection(prop) || e.op === "all") throw graphErrors.userFilterNotSupported(prop.name);
      need(w, prop.filter?.any, prop.name);
      if (e.variable === null || e.predicate === null) return { ...e, collection: [prop.name] };
      const previous = w.scope.get(e.variable);
      w.scope.set(e.variable, prop);
      const predicate = walk(e.predicate, w);
      if (previous) w.scope.set(e.variable, previous);
      else w.scope.delete(e.variable);
      return { kind: "lambda", op: e.op, collection: [prop.name], variable: e.variable, predicate };
    }
    case "boolean": {
      if (e.value.kind === "property") throw graphErrors.userFilterNotSupported(resolve(e.value, w).prop.name);
      throw graphErrors.unsupportedQuery();
    }
  }
}

function literalType(v: Literal): LiteralType {
  return v === null ? "null" : typeof v === "string" ? "string" : typeof v === "number" ? "number" : "boolean";
}
