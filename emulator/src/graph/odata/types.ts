export type Literal = string | number | boolean | null;
export type LiteralType = "string" | "number" | "boolean" | "null" | "datetime" | "guid";
export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type StringFunctionName = "startswith" | "endswith" | "contains";

export type ValueExpr =
  /** displayName, or address/city; inside a lambda, path starts with the lambda variable. A `$count` segment yields a collection's length. */
  | { kind: "property"; path: string[] }
  /** datetime and guid literals keep their source text as a string value. */
  | { kind: "literal"; value: Literal; type: LiteralType }
  /** Value functions: tolower, toupper, trim, length, concat, indexof, substring, year, month, day, hour, minute, second. */
  | { kind: "call"; name: string; args: ValueExpr[] };

export type FilterExpr =
  | { kind: "compare"; op: CompareOp; left: ValueExpr; right: ValueExpr }
  | { kind: "and" | "or"; left: FilterExpr; right: FilterExpr }
  | { kind: "not"; expr: FilterExpr }
  | { kind: "in"; left: ValueExpr; values: Literal[] }
  | { kind: "function"; name: StringFunctionName; args: [ValueExpr, ValueExpr] }
  | { kind: "lambda"; op: "any" | "all"; collection: string[]; variable: string | null; predicate: FilterExpr | null }
  /** A bare boolean property or literal, e.g. accountEnabled. */
  | { kind: "boolean"; value: ValueExpr };

export interface FilterPropertyUse {
  /** Property path with lambda variables resolved, e.g. ["assignedLicenses", "skuId"]. */
  path: string[];
  usage: "compare" | "function" | "in" | "lambda" | "boolean";
  /** compare: the operator; function: startswith/endswith/contains; lambda: any/all; in: "in". */
  op?: string;
  /** True when the use sits under a `not` (Graph treats `not` as an advanced query). */
  negated?: boolean;
  /** True for `eq null` / `ne null` comparisons (advanced query in Graph). */
  comparesNull?: boolean;
}

export interface OrderByItem { path: string[]; direction: "asc" | "desc" }

/** $search for directory objects: "displayName:adele" AND/OR "mail:x". */
export type SearchExpr = { kind: "term"; property: string; value: string } | { kind: "and" | "or"; left: SearchExpr; right: SearchExpr };

export interface EvaluateOptions { caseSensitive?: boolean }
