import { describe, expect, it } from "vitest";
import { OperationMatcher } from "./matcher.ts";
import type { Operation, OperationPermissions } from "./operation.ts";

const ANY: OperationPermissions = { delegated: ["User.Read"], application: ["User.Read.All"], refusal: "directory" };
const row = (method: Operation["method"], path: string): Operation => ({ method, path, permissions: ANY, handler: () => {}, summary: path });

const table = new OperationMatcher([
  row("GET", "/users"),
  row("GET", "/users/$count"),
  row("GET", "/users/delta()"),
  row("GET", "/users/{user}"),
  row("PATCH", "/users/{user}"),
  row("GET", "/users/{user}/manager"),
  row("GET", "/users/{user}/calendars/{calendarId}/events"),
]);
const pathOf = (m: ReturnType<OperationMatcher["match"]>) => (m && "operation" in m ? m.operation.path : m);

describe("the operation matcher", () => {
  it("matches literals without regard to case, with a trailing slash, and binds parameters", () => {
    expect(pathOf(table.match("GET", "/USERS/"))).toBe("/users");
    const m = table.match("GET", "/users/a%40b.com/Calendars/c1/events");
    expect(m && "operation" in m ? m.params : m).toEqual({ user: "a%40b.com", calendarId: "c1" });
  });

  it("prefers a literal to a parameter, and falls back to the parameter when the literal's branch has no row", () => {
    expect(pathOf(table.match("GET", "/users/$count"))).toBe("/users/$count");
    expect(pathOf(table.match("GET", "/users/delta"))).toBe("/users/delta()");
    // No PATCH under the literal "delta": the user named "delta".
    expect(pathOf(table.match("PATCH", "/users/delta"))).toBe("/users/{user}");
    expect(pathOf(table.match("GET", "/users/delta/manager"))).toBe("/users/{user}/manager");
  });

  it("matches an OData function in each of its forms", () => {
    for (const form of ["delta", "delta()", "microsoft.graph.delta", "Microsoft.Graph.Delta()"]) expect(pathOf(table.match("GET", `/users/${form}`))).toBe("/users/delta()");
  });

  it("lets a quoted key never match a literal, and refuses an unquoted $-segment as a parameter", () => {
    expect(pathOf(table.match("GET", "/users/$count", 2))).toBe("/users/{user}");
    expect(table.match("GET", "/users/$value")).toEqual({ systemSegment: "$value" });
    expect(table.match("GET", "/users/$count/manager")).toEqual({ systemSegment: "$count" });
  });

  it("finds nothing for unknown paths, empty parameters and other methods", () => {
    expect(table.match("GET", "/groups")).toBeUndefined();
    expect(table.match("GET", "/users//manager")).toBeUndefined();
    expect(table.match("DELETE", "/users/x")).toBeUndefined();
  });

  it("refuses at start-up a row without a permission rule, one nobody may call, a bad template or a duplicate", () => {
    // @ts-expect-error a row cannot be written without its permissions
    const bare: Operation = { method: "GET", path: "/x", handler: () => {}, summary: "" };
    expect(() => new OperationMatcher([bare])).toThrow(/no permission rule/);
    expect(() => new OperationMatcher([{ ...row("GET", "/x"), permissions: { ...ANY, delegated: [], application: [] } }])).toThrow(/no permission allows/);
    expect(() => new OperationMatcher([row("GET", "x")])).toThrow(/bad path template/);
    expect(() => new OperationMatcher([row("GET", "/x"), row("GET", "/X")])).toThrow(/listed twice/);
    expect(() => new OperationMatcher([row("GET", "/x/{a}"), row("GET", "/x/{b}/y")])).toThrow(/same place/);
  });

  it("takes a row any valid token may call only when it says why, and matches $batch as a literal", () => {
    const batch: Operation = { ...row("POST", "/$batch"), permissions: { anyValidToken: true, why: "each request is authorized on its own" } };
    const withBatch = new OperationMatcher([batch, row("GET", "/users/{user}")]);
    expect(pathOf(withBatch.match("POST", "/$BATCH"))).toBe("/$batch");
    expect(withBatch.match("GET", "/$batch")).toBeUndefined();
    expect(() => new OperationMatcher([{ ...batch, permissions: { anyValidToken: true, why: " " } }])).toThrow(/without saying why/);
    // @ts-expect-error the rule is `anyValidToken: true`, nothing else
    expect(() => new OperationMatcher([{ ...batch, permissions: { anyValidToken: false, why: "x" } }])).toThrow(/without saying why/);
  });
});
