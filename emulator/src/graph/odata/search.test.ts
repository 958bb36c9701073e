import { describe, expect, it } from "vitest";
import { evaluateSearch, matchesWordPrefix, ODataSyntaxError, parseSearch } from "./index.ts";

describe("parseSearch", () => {
  it("parses a single term", () => {
    expect(parseSearch('"displayName:adele"')).toEqual({ kind: "term", property: "displayName", value: "adele" });
    expect(parseSearch(' "displayName: Adele Vance " ')).toEqual({ kind: "term", property: "displayName", value: "Adele Vance" });
    expect(parseSearch('"mail:a:b"')).toEqual({ kind: "term", property: "mail", value: "a:b" });
    expect(parseSearch('"displayName:say \\"hi\\" \\\\"')).toEqual({ kind: "term", property: "displayName", value: 'say "hi" \\' });
  });

  it("binds AND tighter than OR, accepts any case and parentheses", () => {
    const t = (v: string) => ({ kind: "term", property: "p", value: v });
    expect(parseSearch('"p:a" OR "p:b" AND "p:c"')).toEqual({ kind: "or", left: t("a"), right: { kind: "and", left: t("b"), right: t("c") } });
    expect(parseSearch('("p:a" or "p:b") and "p:c"')).toEqual({ kind: "and", left: { kind: "or", left: t("a"), right: t("b") }, right: t("c") });
  });

  it.each<[string, RegExp]>([
    ["", /the \$search expression is empty/],
    ["adele", /search terms must be enclosed in double quotes, e.g. "displayName:adele", but found 'adele' at position 0/],
    ['"displayName:adele', /unterminated quoted search term at position 0/],
    ['"adele"', /search term "adele" must have the form "property:value"/],
    ['"displayName:"', /has an empty value/],
    ['"display name:x"', /'display name' is not a valid property name/],
    ['"p:a" "p:b"', /expected AND, OR or the end of the search but found "p:b" at position 6/],
    ['"p:a" AND', /expected a quoted search term but found the end of the search/],
    ['("p:a"', /expected '\)' to close the '\(' at position 0/],
    ['"p:a")', /unexpected '\)' without a matching '\('/],
    ['OR "p:a"', /expected a quoted search term but found OR/],
  ])("rejects %j", (text, pattern) => {
    expect(() => parseSearch(text)).toThrow(ODataSyntaxError);
    expect(() => parseSearch(text)).toThrow(pattern);
  });

  it("guards nesting depth", () => {
    expect(() => parseSearch(`${"(".repeat(101)}"p:a"${")".repeat(101)}`)).toThrow(/nesting exceeds/);
  });
});

describe("matchesWordPrefix", () => {
  it.each<[string, string, boolean]>([
    ["Adele Vance", "adele", true],
    ["Adele Vance", "vance", true],
    ["Adele Vance", "adele v", true],
    ["Adele Vance", "dele", false],
    ["Adele Vance", "ance", false],
    ["AdeleV@contoso.com", "contoso", true],
    ["AdeleV@contoso.com", "com", true],
    ["AdeleV@contoso.com", "v", true],
    ["AdeleV@contoso.com", "adelev@contoso", true],
    ["AdeleV@contoso.com", "@contoso", true],
    ["HelloWorld", "world", true],
    ["user123", "123", true],
    ["user123", "23", false],
    ["Émile Zola", "émile", true],
  ])("%j / %j -> %s", (text, query, expected) => {
    expect(matchesWordPrefix(text, query)).toBe(expected);
  });
});

describe("evaluateSearch", () => {
  const user = { displayName: "Adele Vance", mail: "AdeleV@contoso.com", otherMails: ["x@fabrikam.com"], age: 3 };
  const hit = (q: string) => evaluateSearch(parseSearch(q), user);

  it("matches terms, arrays, AND/OR and case-insensitive property names", () => {
    expect(hit('"displayName:ad"')).toBe(true);
    expect(hit('"DISPLAYNAME:VANCE"')).toBe(true);
    expect(hit('"displayName:xyz"')).toBe(false);
    expect(hit('"otherMails:fabrikam"')).toBe(true);
    expect(hit('"displayName:ad" AND "mail:contoso"')).toBe(true);
    expect(hit('"displayName:ad" AND "mail:fabrikam"')).toBe(false);
    expect(hit('"displayName:zz" OR "mail:fabrikam" OR "mail:adelev"')).toBe(true);
  });

  it("never matches non-string or missing properties", () => {
    expect(hit('"age:3"')).toBe(false);
    expect(hit('"jobTitle:a"')).toBe(false);
  });
});
