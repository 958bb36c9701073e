import { describe, expect, it } from "vitest";
import { evaluateFilter, filterProperties, formatFilter, parseFilter } from "./index.ts";

const adele = {
  id: "6FD2C87F-B296-42F0-B197-1E91E994B900",
  displayName: "Adele Vance",
  givenName: "Adele",
  surname: "Vance",
  mail: "AdeleV@contoso.com",
  accountEnabled: true,
  age: 34,
  score: 7.5,
  jobTitle: null,
  createdDateTime: "2024-03-15T10:00:00Z",
  hired: new Date("2020-01-02T00:00:00Z"),
  address: { city: "Oslo", zip: "0150" },
  proxyAddresses: ["SMTP:AdeleV@contoso.com", "smtp:adele@contoso.onmicrosoft.com"],
  otherMails: [],
  assignedLicenses: [{ skuId: "aaaaaaaa-0000-0000-0000-000000000001", disabledPlans: [] }, { skuId: "bbbbbbbb-0000-0000-0000-000000000002", disabledPlans: ["x"] }],
  identities: [{ signInType: "emailAddress", issuer: "contoso.onmicrosoft.com", issuerAssignedId: "adele@x.com" }],
};
const matches = (filter: string, entity: Record<string, unknown> = adele, caseSensitive?: boolean) =>
  evaluateFilter(parseFilter(filter), entity, caseSensitive === undefined ? undefined : { caseSensitive });

describe("evaluateFilter", () => {
  it.each<[string, boolean]>([
    ["displayName eq 'Adele Vance'", true],
    ["displayName eq 'adele vance'", true],
    ["displayName ne 'adele vance'", false],
    ["displayName eq 'Adele'", false],
    ["DisplayName eq 'Adele Vance'", true],
    ["givenName lt 'b'", true],
    ["givenName ge 'ADELE'", true],
    ["givenName gt 'Adele'", false],
    ["age eq 34", true],
    ["age gt 33.5 and age le 34", true],
    ["age lt 34", false],
    ["score ge 7.5", true],
    ["age eq '34'", false],
    ["age ne '34'", true],
    ["accountEnabled", true],
    ["accountEnabled eq true", true],
    ["not accountEnabled", false],
    ["accountEnabled eq false or age eq 34", true],
    ["true", true],
    ["false or (true and not false)", true],
    ["address/city eq 'oslo'", true],
    ["address/country eq null", true],
    ["missing/deep/path eq null", true],
    ["jobTitle eq null", true],
    ["jobTitle ne null", false],
    ["mail ne null", true],
    ["jobTitle gt 'a'", false],
    ["jobTitle lt 'a'", false],
    ["jobTitle ge null", true],
    ["jobTitle gt null", false],
    ["age gt null", false],
    ["createdDateTime ge 2024-01-01T00:00:00Z", true],
    ["createdDateTime lt 2024-03-15T12:00:00+02:00", false],
    ["createdDateTime le 2024-03-15T12:00:00+02:00", true],
    ["createdDateTime eq 2024-03-15T11:00:00+01:00", true],
    ["createdDateTime gt 2024-03-15", true],
    ["hired eq 2020-01-02T00:00:00Z", true],
    ["hired lt 2020-01-02", false],
    ["displayName gt 2020-01-02", false],
    ["displayName ne 2020-01-02", true],
    ["id eq 6fd2c87f-b296-42f0-b197-1e91e994b900", true],
    ["id in ('x', '6fd2c87f-b296-42f0-b197-1e91e994b900')", true],
    ["givenName in ('ADELE', 'Bob')", true],
    ["givenName in ('Bob')", false],
    ["jobTitle in (null)", true],
    ["age in (1, 34)", true],
    ["createdDateTime in (2024-03-15T10:00:00.000Z)", true],
    ["startswith(displayName, 'adel')", true],
    ["startswith(displayName, 'vance')", false],
    ["endswith(mail, '@CONTOSO.com')", true],
    ["contains(displayName, 'e va')", true],
    ["startswith(jobTitle, 'a')", false],
    ["startswith(age, '3')", false],
    ["startswith(displayName,'x') eq false", true],
    ["proxyAddresses/any(p:startswith(p,'SMTP:'))", true],
    ["proxyAddresses/any(p:p eq 'smtp:ADELEV@contoso.com')", true],
    ["proxyAddresses/all(p:startswith(p,'smtp:'))", true],
    ["proxyAddresses/all(p:endswith(p,'contoso.com'))", false],
    ["proxyAddresses/any()", true],
    ["otherMails/any()", false],
    ["otherMails/all(m: m eq 'x')", true],
    ["missing/any()", false],
    ["displayName/any()", false],
    ["assignedLicenses/any(x:x/skuId eq BBBBBBBB-0000-0000-0000-000000000002)", true],
    ["assignedLicenses/any(x:x/skuId eq cccccccc-0000-0000-0000-000000000002)", false],
    ["assignedLicenses/any(x: x/disabledPlans/any(d: d eq 'x'))", true],
    ["assignedLicenses/all(x: x/disabledPlans/any())", false],
    ["assignedLicenses/any(x: x/skuId ne null and surname eq 'vance')", true],
    ["assignedLicenses/any(x: $it/surname eq 'vance')", true],
    ["identities/any(c:c/issuerAssignedId eq 'adele@x.com' and c/issuer eq 'contoso.onmicrosoft.com')", true],
    ["identities/any(c:c/issuerAssignedId eq 'adele@x.com' and c/issuer eq 'other')", false],
    ["proxyAddresses/$count eq 2", true],
    ["otherMails/$count eq 0", true],
    ["tolower(givenName) eq 'adele'", true],
    ["toupper(surname) eq 'VANCE'", true],
    ["length(surname) eq 5", true],
    ["length(proxyAddresses) eq 2", true],
    ["trim(concat(' a', 'b ')) eq 'ab'", true],
    ["indexof(displayName, 'VANCE') eq 6", true],
    ["substring(displayName, 6) eq 'vance'", true],
    ["substring(displayName, 0, 5) eq 'Adele'", true],
    ["year(createdDateTime) eq 2024 and month(createdDateTime) eq 3 and day(createdDateTime) eq 15", true],
    ["hour(createdDateTime) eq 10 and minute(hired) eq 0 and second(hired) eq 0", true],
    ["year(displayName) eq null", true],
    ["address eq 'Oslo'", false],
    ["proxyAddresses eq 'x'", false],
    ["constructor eq null", true],
    ["toString eq null", true],
  ])("%s -> %s", (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it("compares strings case-sensitively when asked, but GUIDs never", () => {
    expect(matches("givenName eq 'adele'", adele, true)).toBe(false);
    expect(matches("givenName eq 'Adele'", adele, true)).toBe(true);
    expect(matches("startswith(givenName, 'ad')", adele, true)).toBe(false);
    expect(matches("givenName gt 'a'", adele, true)).toBe(false);
    expect(matches("id eq 6fd2c87f-b296-42f0-b197-1e91e994b900", adele, true)).toBe(true);
    expect(matches("id in ('6fd2c87f-b296-42f0-b197-1e91e994b900')", adele, true)).toBe(true);
  });

  it("treats missing and null alike", () => {
    expect(matches("jobTitle eq null", {})).toBe(true);
    expect(matches("not (jobTitle ne null)", {})).toBe(true);
    expect(matches("accountEnabled", {})).toBe(false);
  });

  it("does not throw for odd entity values", () => {
    const odd = { a: Symbol("s"), b: () => 1, c: NaN, d: new Date("invalid"), e: { toString: null }, f: [null, undefined, 1] };
    for (const f of ["a eq 'x'", "b eq 1", "c eq 1", "c lt 1", "d lt 2024-01-01", "year(d) eq 1", "e eq 'x'", "f/any(x: x eq null)", "startswith(e, 'x')"]) {
      expect(() => matches(f, odd)).not.toThrow();
    }
    expect(matches("f/any(x: x eq null)", odd)).toBe(true);
  });
});

describe("filterProperties", () => {
  it("lists paths with their usage and resolves lambda variables", () => {
    const expr = parseFilter(
      "displayName eq 'a' and not (mail ne null) or startswith(surname,'v') or userType in ('Member') or accountEnabled " +
        "or assignedLicenses/any(x:x/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900) or proxyAddresses/any(p:endswith(p,'x')) " +
        "or tolower(givenName) eq 'a' or a/any(x: x/b/all(y: y/c eq 1))",
    );
    expect(filterProperties(expr)).toEqual([
      { path: ["displayName"], usage: "compare", op: "eq" },
      { path: ["mail"], usage: "compare", op: "ne", negated: true, comparesNull: true },
      { path: ["surname"], usage: "function", op: "startswith" },
      { path: ["userType"], usage: "in", op: "in" },
      { path: ["accountEnabled"], usage: "boolean" },
      { path: ["assignedLicenses"], usage: "lambda", op: "any" },
      { path: ["assignedLicenses", "skuId"], usage: "compare", op: "eq" },
      { path: ["proxyAddresses"], usage: "lambda", op: "any" },
      { path: ["proxyAddresses"], usage: "function", op: "endswith" },
      { path: ["givenName"], usage: "compare", op: "eq" },
      { path: ["a"], usage: "lambda", op: "any" },
      { path: ["a", "b"], usage: "lambda", op: "all" },
      { path: ["a", "b", "c"], usage: "compare", op: "eq" },
    ]);
  });

  it("reports both sides of property-to-property comparisons and strips $it", () => {
    expect(filterProperties(parseFilter("givenName eq surname"))).toHaveLength(2);
    expect(filterProperties(parseFilter("tags/any(t: $it/x eq t)"))).toEqual([
      { path: ["tags"], usage: "lambda", op: "any" },
      { path: ["x"], usage: "compare", op: "eq" },
      { path: ["tags"], usage: "compare", op: "eq" },
    ]);
    expect(filterProperties(parseFilter("true"))).toEqual([]);
  });
});

describe("formatFilter", () => {
  it.each([
    "displayName eq 'O''Brien'",
    "a or b and not c",
    "(a or b) and c",
    "a or (b or c)",
    "proxyAddresses/any(p:startswith(p,'SMTP:'))",
    "assignedLicenses/any(x:x/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)",
    "tags/any()",
    "createdDateTime ge 2024-01-01T00:00:00Z and n lt -1.5",
    "id in ('a', 1, null, true)",
    "length(tolower(x)) eq 3",
  ])("round-trips %s", (text) => {
    const expr = parseFilter(text);
    expect(parseFilter(formatFilter(expr))).toEqual(expr);
  });
});
