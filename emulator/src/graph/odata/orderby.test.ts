import { describe, expect, it } from "vitest";
import { compareBy, ODataSyntaxError, parseOrderBy } from "./index.ts";

describe("parseOrderBy", () => {
  it("parses single and multiple keys with directions", () => {
    expect(parseOrderBy("displayName")).toEqual([{ path: ["displayName"], direction: "asc" }]);
    expect(parseOrderBy(" displayName DESC , address/city asc,id ")).toEqual([
      { path: ["displayName"], direction: "desc" },
      { path: ["address", "city"], direction: "asc" },
      { path: ["id"], direction: "asc" },
    ]);
  });

  it.each<[string, RegExp]>([
    ["", /the \$orderby expression is empty/],
    ["a,,b", /expected a property name after ',' but found ','/],
    ["a,", /expected a property name after ',' but found the end of the expression/],
    [",a", /expected a property name but found ','/],
    ["a up", /expected 'asc', 'desc', ',' or the end of \$orderby but found 'up' at position 2/],
    ["a desc desc", /but found 'desc'/],
    ["a/", /expected a property name after '\/'/],
    ["'a'", /expected a property name but found string literal 'a'/],
    ["a;b", /character ';' is not valid at position 1/],
  ])("rejects %j", (text, pattern) => {
    expect(() => parseOrderBy(text)).toThrow(ODataSyntaxError);
    expect(() => parseOrderBy(text)).toThrow(pattern);
  });
});

describe("compareBy", () => {
  const rows = [
    { id: 1, name: "bob", city: "Oslo", created: "2024-01-02T00:00:00Z" },
    { id: 2, name: "Alice", city: null, created: "2024-01-01T10:00:00+02:00" },
    { id: 3, name: "alice", city: "Bergen", created: "2024-01-01T09:00:00Z" },
    { id: 4, city: "Oslo", created: null },
    { id: 5, name: "Carol", city: "oslo", created: "2023-12-31T23:00:00Z" },
  ];
  const ids = (spec: string, caseSensitive?: boolean) =>
    [...rows].sort(compareBy(parseOrderBy(spec), caseSensitive === undefined ? undefined : { caseSensitive })).map((r) => r.id);

  it("sorts ascending case-insensitively with nulls first (stable for ties)", () => {
    expect(ids("name")).toEqual([4, 2, 3, 1, 5]);
  });

  it("sorts descending with nulls last", () => {
    expect(ids("name desc")).toEqual([5, 1, 2, 3, 4]);
  });

  it("uses later keys to break ties", () => {
    expect(ids("city, name desc")).toEqual([2, 3, 5, 1, 4]);
    expect(ids("name, id desc")).toEqual([4, 3, 2, 1, 5]);
  });

  it("sorts case-sensitively when asked", () => {
    expect(ids("name", true)).toEqual([4, 2, 5, 3, 1]);
  });

  it("compares ISO datetimes as instants", () => {
    expect(ids("created")).toEqual([4, 5, 2, 3, 1]);
  });

  it("orders numbers numerically, booleans false<true, nested paths", () => {
    const data = [{ n: 10, b: true, a: { x: 2 } }, { n: 9, b: false, a: { x: 1 } }, { n: -1, b: true, a: {} }];
    expect([...data].sort(compareBy(parseOrderBy("n"))).map((d) => d.n)).toEqual([-1, 9, 10]);
    expect([...data].sort(compareBy(parseOrderBy("b, n desc"))).map((d) => d.n)).toEqual([9, 10, -1]);
    expect([...data].sort(compareBy(parseOrderBy("a/x"))).map((d) => d.n)).toEqual([-1, 9, 10]);
  });

  it("gives a consistent order to mixed kinds instead of throwing", () => {
    const mixed = [{ v: "a" }, { v: 1 }, { v: true }, { v: { o: 1 } }, { v: null }, { v: [1] }];
    const sorted = [...mixed].sort(compareBy([{ path: ["v"], direction: "asc" }])).map((m) => m.v);
    expect(sorted).toEqual([null, true, 1, "a", [1], { o: 1 }]);
  });
});
