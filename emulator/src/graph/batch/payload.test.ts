import { describe, expect, it } from "vitest";
import { GraphError } from "../../errors/graph-error.ts";
import { readBatch } from "./payload.ts";

const get = (id: string, url = "/me", extra: Record<string, unknown> = {}) => ({ id, method: "GET", url, ...extra });
const refusal = (body: unknown) => {
  try {
    readBatch(body);
  } catch (err) {
    if (err instanceof GraphError) return `${err.status} ${err.code}: ${err.message}`;
    throw err;
  }
  return "accepted";
};

describe("reading a batch", () => {
  it("normalizes urls to the path under the version and keeps their query", () => {
    const items = readBatch({
      requests: [get("1", "/me"), get("2", "me"), get("3", "/v1.0/me"), get("4", "v1.0/users?$top=1"), get("5", "/v1.0"), get("6", "/v1.0?x=1"), get("7", "/v1.00/me")],
    });
    expect(items.map((i) => i.url)).toEqual(["/me", "/me", "/me", "/users?$top=1", "/", "/?x=1", "/v1.00/me"]);
  });

  it("upper-cases methods, lower-cases header names, keeps ids as sent with a case-free key", () => {
    const [item] = readBatch({ requests: [{ id: "Req", method: "patch", url: "/me", headers: { "Content-Type": "application/json", Prefer: 1 }, body: { a: 1 } }] });
    expect(item).toEqual({ id: "Req", key: "req", method: "PATCH", url: "/me", headers: { "content-type": "application/json", prefer: "1" }, body: { a: 1 }, dependsOn: undefined });
  });

  it("treats a null body or null headers as none", () => {
    expect(readBatch({ requests: [get("1", "/me", { body: null, headers: null })] })[0]).toMatchObject({ body: undefined, headers: {} });
  });

  it("keeps the key of each request's one dependency", () => {
    const items = readBatch({ requests: [get("A"), get("b", "/me", { dependsOn: ["a"] }), get("c", "/me", { dependsOn: ["B"] })] });
    expect(items.map((i) => i.dependsOn)).toEqual([undefined, "a", "b"]);
  });

  it("accepts the three dependency patterns and refuses the rest", () => {
    const ok = "accepted";
    const mixed = "400 BadRequest: Batch should be either fully sequential or fully parallel.";
    expect(refusal({ requests: [get("1"), get("2"), get("3")] })).toBe(ok);
    expect(refusal({ requests: [get("1"), get("2", "/me", { dependsOn: ["1"] }), get("3", "/me", { dependsOn: ["2"] })] })).toBe(ok);
    expect(refusal({ requests: [get("1"), get("2", "/me", { dependsOn: ["1"] }), get("3", "/me", { dependsOn: ["1"] })] })).toBe(ok);
    expect(refusal({ requests: [get("1"), get("2"), get("3", "/me", { dependsOn: ["1"] })] })).toBe(mixed);
    expect(refusal({ requests: [get("1"), get("2", "/me", { dependsOn: ["1"] }), get("3"), get("4", "/me", { dependsOn: ["3"] })] })).toBe(mixed);
    expect(refusal({ requests: [get("1"), get("2", "/me", { dependsOn: ["1"] }), get("3", "/me", { dependsOn: ["1", "2"] })] })).toBe(mixed);
  });

  it("refuses in order: shape and size first, then each request, then dependencies", () => {
    const many = Array.from({ length: 21 }, (_, i) => get(String(i)));
    expect(refusal({ requests: many.map((r) => ({ ...r, id: "same" })) })).toBe("400 BadRequest: Batch request exceeds the maximum number of 20 requests.");
    expect(refusal({ requests: [get("1", "/me", { dependsOn: ["9"] }), get("1")] })).toBe("400 BadRequest: Request Id 1 has to be unique in a batch.");
    expect(refusal({ requests: [get("1", "/me", { dependsOn: ["9"] }), get("2", "https://x/v1.0/me")] })).toBe(
      "400 BadRequest: Request Id 2 has an absolute url; the urls of a batch are relative to its version, such as /me.",
    );
    expect(refusal({ requests: [get("1", "/me", { dependsOn: ["9"] })] })).toBe("400 BadRequest: Invalid dependency for request Id 1.");
  });

  it("knows a nested batch in its encoded, versioned and trailing-slash forms, and nothing else by that name", () => {
    for (const url of ["/$batch", "/%24batch", "/v1.0/$Batch/", "$batch?x=1"]) expect(refusal({ requests: [get("n", url)] })).toMatch(/is a \$batch request/);
    for (const url of ["/users/$batch", "/$batches", "/%E0%A4%A"]) expect(refusal({ requests: [get("n", url)] })).toBe("accepted");
  });
});
