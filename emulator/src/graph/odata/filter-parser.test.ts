import { describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH, MAX_QUERY_LENGTH, ODataSyntaxError, parseFilter, type FilterExpr, type ValueExpr } from "./index.ts";

const prop = (...path: string[]): ValueExpr => ({ kind: "property", path });
const str = (value: string): ValueExpr => ({ kind: "literal", value, type: "string" });
const num = (value: number): ValueExpr => ({ kind: "literal", value, type: "number" });
const eq = (l: ValueExpr, r: ValueExpr): FilterExpr => ({ kind: "compare", op: "eq", left: l, right: r });
const bool = (name: string): FilterExpr => ({ kind: "boolean", value: prop(name) });

function syntaxMessage(text: string): string {
  try {
    parseFilter(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ODataSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe("parseFilter: comparisons and literals", () => {
  it.each(["eq", "ne", "gt", "ge", "lt", "le"] as const)("parses %s", (op) => {
    expect(parseFilter(`displayName ${op} 'Adele'`)).toEqual({ kind: "compare", op, left: prop("displayName"), right: str("Adele") });
  });

  it("accepts operators and keywords in any case", () => {
    expect(parseFilter("a EQ 1 AND NOT b")).toEqual({ kind: "and", left: eq(prop("a"), num(1)), right: { kind: "not", expr: bool("b") } });
  });

  it("parses string literals with '' escapes", () => {
    expect(parseFilter("surname eq 'O''Brien'")).toEqual(eq(prop("surname"), str("O'Brien")));
    expect(parseFilter("surname eq ''")).toEqual(eq(prop("surname"), str("")));
  });

  it("parses integers, decimals, negatives and exponents", () => {
    expect(parseFilter("n eq 42")).toEqual(eq(prop("n"), num(42)));
    expect(parseFilter("n eq -3.25")).toEqual(eq(prop("n"), num(-3.25)));
    expect(parseFilter("n eq 1e3")).toEqual(eq(prop("n"), num(1000)));
  });

  it("parses true, false and null", () => {
    expect(parseFilter("accountEnabled eq true")).toEqual(eq(prop("accountEnabled"), { kind: "literal", value: true, type: "boolean" }));
    expect(parseFilter("a ne False")).toMatchObject({ right: { value: false, type: "boolean" } });
    expect(parseFilter("manager eq null")).toEqual(eq(prop("manager"), { kind: "literal", value: null, type: "null" }));
  });

  it("parses unquoted datetimes and dates", () => {
    for (const dt of ["2024-01-01T00:00:00Z", "2024-01-01T10:30:00.1234567+02:00", "2024-01-01T10:30Z", "2024-06-30", "2024-02-29"]) {
      expect(parseFilter(`createdDateTime ge ${dt}`)).toEqual({
        kind: "compare", op: "ge", left: prop("createdDateTime"), right: { kind: "literal", value: dt, type: "datetime" },
      });
    }
  });

  it("parses unquoted GUIDs, including ones starting with letters", () => {
    const g = "ABCDEF12-b296-42f0-b197-1e91e994b900";
    expect(parseFilter(`id eq ${g}`)).toEqual(eq(prop("id"), { kind: "literal", value: g, type: "guid" }));
  });

  it("parses property paths with '/' and $count segments", () => {
    expect(parseFilter("address/city eq 'Oslo'")).toEqual(eq(prop("address", "city"), str("Oslo")));
    expect(parseFilter("memberOf/$count eq 0")).toEqual(eq(prop("memberOf", "$count"), num(0)));
  });

  it("allows properties on both sides", () => {
    expect(parseFilter("givenName eq surname")).toEqual(eq(prop("givenName"), prop("surname")));
  });

  it("is whitespace tolerant", () => {
    expect(parseFilter("  ( displayName\teq\n'x' )  ")).toEqual(eq(prop("displayName"), str("x")));
    expect(parseFilter("startswith( displayName , 'a' )")).toEqual(parseFilter("startswith(displayName,'a')"));
  });
});

describe("parseFilter: logic and precedence", () => {
  it("binds not > and > or", () => {
    expect(parseFilter("a or b and not c")).toEqual({
      kind: "or", left: bool("a"), right: { kind: "and", left: bool("b"), right: { kind: "not", expr: bool("c") } },
    });
    expect(parseFilter("not a and b")).toEqual({ kind: "and", left: { kind: "not", expr: bool("a") }, right: bool("b") });
  });

  it("is left-associative", () => {
    expect(parseFilter("a or b or c")).toEqual({ kind: "or", left: { kind: "or", left: bool("a"), right: bool("b") }, right: bool("c") });
  });

  it("lets parentheses override precedence", () => {
    expect(parseFilter("(a or b) and c")).toEqual({ kind: "and", left: { kind: "or", left: bool("a"), right: bool("b") }, right: bool("c") });
    expect(parseFilter("not (a eq 1)")).toEqual({ kind: "not", expr: eq(prop("a"), num(1)) });
    expect(parseFilter("((((a))))")).toEqual(bool("a"));
  });

  it("parses bare booleans", () => {
    expect(parseFilter("accountEnabled")).toEqual(bool("accountEnabled"));
    expect(parseFilter("true")).toEqual({ kind: "boolean", value: { kind: "literal", value: true, type: "boolean" } });
  });
});

describe("parseFilter: in, functions, lambdas", () => {
  it("parses in lists of literals", () => {
    expect(parseFilter("userType in ('Member', 'Guest', null, 3)")).toEqual({ kind: "in", left: prop("userType"), values: ["Member", "Guest", null, 3] });
    expect(parseFilter("id in (6fd2c87f-b296-42f0-b197-1e91e994b900)")).toMatchObject({ values: ["6fd2c87f-b296-42f0-b197-1e91e994b900"] });
  });

  it.each(["startswith", "endswith", "contains"] as const)("parses %s case-insensitively", (name) => {
    const upper = name.replace("with", "With");
    expect(parseFilter(`${upper}(mail,'a@')`)).toEqual({ kind: "function", name, args: [prop("mail"), str("a@")] });
  });

  it("folds 'eq true' / 'eq false' / 'ne true' after boolean functions", () => {
    const f: FilterExpr = { kind: "function", name: "startswith", args: [prop("mail"), str("a")] };
    expect(parseFilter("startswith(mail,'a') eq true")).toEqual(f);
    expect(parseFilter("startswith(mail,'a') eq false")).toEqual({ kind: "not", expr: f });
    expect(parseFilter("startswith(mail,'a') ne true")).toEqual({ kind: "not", expr: f });
  });

  it("parses value functions", () => {
    expect(parseFilter("tolower(displayName) eq 'x'")).toEqual(eq({ kind: "call", name: "tolower", args: [prop("displayName")] }, str("x")));
    expect(parseFilter("length(concat(a, 'b')) gt 2")).toMatchObject({ left: { kind: "call", name: "length", args: [{ kind: "call", name: "concat" }] } });
    expect(parseFilter("substring(a, 1) eq 'x'")).toMatchObject({ left: { name: "substring", args: [prop("a"), num(1)] } });
  });

  it("parses lambdas with a variable", () => {
    expect(parseFilter("proxyAddresses/any(p:startswith(p,'SMTP:'))")).toEqual({
      kind: "lambda", op: "any", collection: ["proxyAddresses"], variable: "p",
      predicate: { kind: "function", name: "startswith", args: [prop("p"), str("SMTP:")] },
    });
    const g = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    expect(parseFilter(`assignedLicenses/any(x:x/skuId eq ${g})`)).toEqual({
      kind: "lambda", op: "any", collection: ["assignedLicenses"], variable: "x",
      predicate: eq(prop("x", "skuId"), { kind: "literal", value: g, type: "guid" }),
    });
  });

  it("parses any() without a predicate, all(), compound and nested lambdas", () => {
    expect(parseFilter("otherMails/any()")).toEqual({ kind: "lambda", op: "any", collection: ["otherMails"], variable: null, predicate: null });
    expect(parseFilter("tags/all(t: t ne 'x')")).toMatchObject({ op: "all", variable: "t" });
    expect(parseFilter("identities/any(c:c/issuerAssignedId eq 'j' and c/issuer eq 'contoso')")).toMatchObject({
      predicate: { kind: "and", left: { left: prop("c", "issuerAssignedId") }, right: { left: prop("c", "issuer") } },
    });
    expect(parseFilter("a/any(x: x/b/any(y: y eq 1))")).toMatchObject({
      variable: "x", predicate: { kind: "lambda", collection: ["x", "b"], variable: "y", predicate: eq(prop("y"), num(1)) },
    });
    expect(parseFilter("a/any(x: x eq 1) eq false")).toMatchObject({ kind: "not", expr: { kind: "lambda" } });
  });
});

describe("parseFilter: errors", () => {
  it.each<[string, RegExp]>([
    ["name eq %", /^Syntax error: character '%' is not valid at position 8 in 'name eq %'\.$/],
    ["", /the \$filter expression is empty/],
    ["   ", /the \$filter expression is empty/],
    ["(a eq 1", /expected '\)' to close the '\(' at position 0 but reached the end of the expression at position 7/],
    ["a eq 1)", /unexpected '\)' without a matching '\(' at position 6/],
    ["(a eq 1 b", /expected '\)' or an operator but found 'b' at position 8/],
    ["a foo 1", /unknown operator 'foo' at position 2/],
    ["a eq 1 b eq 2", /unknown operator 'b' at position 7/],
    ["a eq 1 eq 2", /unexpected 'eq' after a complete expression/],
    ["a == 1", /character '=' is not valid at position 2/],
    ["a eq 'abc", /unterminated string literal at position 5/],
    ["a eq", /expected a value after 'eq' but reached the end of the expression at position 4/],
    ["a eq and", /expected a value after 'eq' but found operator 'and'/],
    ["a eq 1 and", /expected a boolean expression but reached the end/],
    ["eq 1", /expected a value at the start of an expression but found operator 'eq'/],
    ["'x'", /expected a boolean expression but found string literal 'x'/],
    ["5 and a", /expected a boolean expression but found '5'/],
    ["tolower(a)", /function 'tolower' does not return a boolean/],
    ["foo(a) eq 1", /unknown function 'foo' at position 0/],
    ["tolower(a, b) eq 'x'", /function 'tolower' takes 1 argument but was given 2/],
    ["startswith(a) ", /function 'startswith' takes 2 arguments but was given 1/],
    ["startswith(a, 'b'", /expected '\)' or ',' in the arguments of 'startswith' but found the end of the expression/],
    ["a eq startswith(b,'c')", /'startswith' returns a boolean and cannot be used as a value/],
    ["any(x: x eq 1)", /'any' must follow a collection path/],
    ["tags/any(1: true)", /expected a lambda variable name after 'any\(' but found '1'/],
    ["tags/any(t t eq 1)", /expected ':' after lambda variable 't' but found 't'/],
    ["tags/any(t:)", /expected a predicate after 't:'/],
    ["tags/any(eq: true)", /'eq' cannot be used as a lambda variable name/],
    ["a/any(x: x/b/any(x: true))", /lambda variable 'x' is already in use/],
    ["tags/all()", /'all' requires a predicate/],
    ["tags/any(t: t eq 1", /expected '\)' to close 'any\(' at position 8 but found the end/],
    ["a eq tags/any(t: true)", /a lambda \('any'\/'all'\) cannot be used as a value after 'eq'/],
    ["a in ()", /the 'in' list must contain at least one value/],
    ["a in 'x'", /expected '\(' after 'in' but found string literal 'x'/],
    ["a in (b)", /expected a literal value in the 'in' list but found 'b'/],
    ["a in ('x' 'y')", /expected '\)' or ',' in the 'in' list/],
    ["a/ eq 1", /expected a property name after '\/' but found/],
    ["a eq 2024-01-01T10:00", /invalid date\/time literal/],
    ["a eq 2024-13-45", /'2024-13-45' is not a valid date\/time/],
    ["a eq 2023-02-29T00:00:00Z", /'2023-02-29T00:00:00Z' is not a valid date\/time/],
    ["a eq 2024-01-01T24:30:00Z", /is not a valid date\/time/],
    ["a eq 1e999", /number '1e999' is out of range/],
  ])("rejects %j", (text, pattern) => {
    expect(syntaxMessage(text)).toMatch(pattern);
  });

  it("rejects input longer than the maximum length", () => {
    const long = `a eq '${"x".repeat(MAX_QUERY_LENGTH)}'`;
    expect(syntaxMessage(long)).toMatch(/too long/);
  });

  it("rejects nesting deeper than the maximum depth, but accepts it at the limit", () => {
    const nested = (n: number) => `${"(".repeat(n)}a${")".repeat(n)}`;
    expect(parseFilter(nested(MAX_NESTING_DEPTH))).toEqual(bool("a"));
    expect(syntaxMessage(nested(MAX_NESTING_DEPTH + 1))).toMatch(/nesting exceeds the maximum depth of 100/);
    expect(syntaxMessage(`${"not ".repeat(MAX_NESTING_DEPTH + 1)}a`)).toMatch(/nesting exceeds/);
    expect(syntaxMessage(`${"tolower(".repeat(MAX_NESTING_DEPTH + 1)}a${")".repeat(MAX_NESTING_DEPTH + 1)} eq 'a'`)).toMatch(/nesting exceeds/);
  });

  it("handles long flat chains without deep recursion problems", () => {
    const chain = Array.from({ length: 800 }, () => "a").join(" or ");
    expect(chain.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
    expect(parseFilter(chain).kind).toBe("or");
  });

  it("reports the position on the error object", () => {
    try {
      parseFilter("name eq %");
    } catch (e) {
      expect((e as ODataSyntaxError).position).toBe(8);
    }
  });
});
