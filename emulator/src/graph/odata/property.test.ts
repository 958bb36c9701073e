/** Property tests: parsers throw only ODataSyntaxError on arbitrary input; generated well-formed filters round-trip and evaluate. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeSkipToken, evaluateFilter, formatFilter, ODataSyntaxError, parseFilter, parseOrderBy, parseSearch, parseSelect, parseTop,
  type FilterExpr, type Literal, type ValueExpr,
} from "./index.ts";

const SEED = 20240601;
const RUNS = 500;
const run = <T extends [unknown, ...unknown[]]>(prop: fc.IPropertyWithHooks<T>) => fc.assert(prop, { seed: SEED, numRuns: RUNS });

function onlySyntaxErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ODataSyntaxError)) throw e;
    expect(e.message).toMatch(/^Syntax error: /);
  }
}

const parsers: [string, (s: string) => unknown][] = [
  ["parseFilter", parseFilter], ["parseOrderBy", parseOrderBy], ["parseSearch", parseSearch], ["parseSelect", parseSelect], ["parseTop", parseTop],
];

// Vocabulary biased toward OData syntax so random input reaches deep parser states.
const VOCAB = [
  "eq", "ne", "gt", "lt", "ge", "le", "and", "or", "not", "in", "any", "all", "true", "false", "null", "(", ")", ",", "/", ":",
  "'", "''", "'x'", "\"", "\"p:v\"", "AND", "OR", "a", "b/c", "x", "x:", "1", "-2.5", "1e5", "2024-01-01", "2024-01-01T00:00:00Z",
  "6fd2c87f-b296-42f0-b197-1e91e994b900", "startswith", "tolower", "length", "substring", "$count", "$it", " ", "%", "\\", "desc",
];
const tokenSoup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 25 }).map((parts) => parts.join(""));
const spacedSoup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 25 }).map((parts) => parts.join(" "));

describe("robustness on arbitrary input", () => {
  it.each(parsers)("%s throws nothing but ODataSyntaxError on random strings", (_name, parse) => {
    run(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }), tokenSoup, spacedSoup), (s) => {
      onlySyntaxErrors(() => parse(s));
    }));
  });

  it("decodeSkipToken never throws and rejects random strings", () => {
    run(fc.property(fc.oneof(fc.string(), fc.string().map((s) => `v1.${s}`), fc.base64String().map((s) => `v1.${s}.abc`)), (s) => {
      expect(decodeSkipToken(s)).toBeUndefined();
    }));
  });
});

// ---- Generators for well-formed filters ----
const NAMES = ["displayName", "mail", "age", "tags", "accountEnabled", "createdDateTime", "address", "city", "skuId", "id"];
const path = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 });
const stringLit = fc.string({ maxLength: 12 });
const numberLit = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true })).filter((n) => !Object.is(n, -0));
const dateText = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());

const literal: fc.Arbitrary<ValueExpr> = fc.oneof(
  stringLit.map((value) => ({ kind: "literal", value, type: "string" }) as const),
  numberLit.map((value) => ({ kind: "literal", value, type: "number" }) as const),
  fc.boolean().map((value) => ({ kind: "literal", value, type: "boolean" }) as const),
  fc.constant({ kind: "literal", value: null, type: "null" } as const),
  dateText.map((value) => ({ kind: "literal", value, type: "datetime" }) as const),
  fc.uuid().map((value) => ({ kind: "literal", value, type: "guid" }) as const),
);
const plainLiteral: fc.Arbitrary<Literal> = fc.oneof(stringLit, numberLit, fc.boolean(), fc.constant(null));
const property: fc.Arbitrary<ValueExpr> = path.map((p) => ({ kind: "property", path: p }));
const simpleValue = fc.oneof(property, literal);
const value: fc.Arbitrary<ValueExpr> = fc.oneof(
  { weight: 3, arbitrary: simpleValue },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("tolower", "toupper", "trim", "length", "year"), simpleValue).map(([name, a]): ValueExpr => ({ kind: "call", name, args: [a] })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("concat", "indexof", "substring"), simpleValue, simpleValue).map(([name, a, b]): ValueExpr => ({ kind: "call", name, args: [a, b] })) },
);

const { filter } = fc.letrec<{ filter: FilterExpr }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    fc.tuple(fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le" as const), value, value).map(([op, left, right]): FilterExpr => ({ kind: "compare", op, left, right })),
    fc.tuple(value, fc.array(plainLiteral, { minLength: 1, maxLength: 4 })).map(([left, values]): FilterExpr => ({ kind: "in", left, values })),
    fc.tuple(fc.constantFrom("startswith", "endswith", "contains" as const), value, value).map(([name, a, b]): FilterExpr => ({ kind: "function", name, args: [a, b] })),
    fc.oneof(property, fc.boolean().map((v) => ({ kind: "literal", value: v, type: "boolean" }) as const)).map((v): FilterExpr => ({ kind: "boolean", value: v })),
    fc.tuple(fc.constantFrom("and", "or" as const), tie("filter"), tie("filter")).map(([kind, left, right]): FilterExpr => ({ kind, left, right })),
    tie("filter").map((expr): FilterExpr => ({ kind: "not", expr })),
    fc.tuple(fc.constantFrom("any", "all" as const), path, fc.option(tie("filter"), { nil: null })).map(([op, collection, predicate]): FilterExpr =>
      predicate === null
        ? { kind: "lambda", op: "any", collection, variable: null, predicate: null }
        : { kind: "lambda", op, collection, variable: "v", predicate }),
  ),
}));

/** Gives nested lambdas distinct variables (v0, v1, …) so the parser accepts them. */
function renameVariables(e: FilterExpr, depth = 0): FilterExpr {
  switch (e.kind) {
    case "and": case "or": return { ...e, left: renameVariables(e.left, depth), right: renameVariables(e.right, depth) };
    case "not": return { kind: "not", expr: renameVariables(e.expr, depth) };
    case "lambda":
      return e.predicate === null ? e : { ...e, variable: `v${depth}`, predicate: renameVariables(e.predicate, depth + 1) };
    default: return e;
  }
}
const wellFormed = filter.map((f) => renameVariables(f));

const entityValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  dateText,
  fc.array(fc.record({ skuId: fc.oneof(fc.uuid(), fc.constant(null)), city: stringLit }), { maxLength: 3 }),
);
const entity = fc.dictionary(fc.constantFrom(...NAMES, "v0", "v1"), entityValue, { maxKeys: 8 }) as fc.Arbitrary<Record<string, unknown>>;

describe("well-formed generated filters", () => {
  it("format -> parse round-trips to the same tree", () => {
    run(fc.property(wellFormed, (expr) => {
      expect(parseFilter(formatFilter(expr))).toEqual(expr);
    }));
  });

  it("evaluate without throwing, return booleans, and respect not/and/or", () => {
    run(fc.property(wellFormed, wellFormed, entity, fc.boolean(), (a, b, ent, caseSensitive) => {
      const opts = { caseSensitive };
      const ra = evaluateFilter(parseFilter(formatFilter(a)), ent, opts);
      const rb = evaluateFilter(b, ent, opts);
      expect(typeof ra).toBe("boolean");
      expect(evaluateFilter({ kind: "not", expr: a }, ent, opts)).toBe(!ra);
      expect(evaluateFilter({ kind: "and", left: a, right: b }, ent, opts)).toBe(ra && rb);
      expect(evaluateFilter({ kind: "or", left: a, right: b }, ent, opts)).toBe(ra || rb);
    }));
  });
});
