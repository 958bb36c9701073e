import { describe, expect, it } from "vitest";
import { decodeSkipToken, encodeSkipToken, ODataSyntaxError, parseSelect, parseTop } from "./index.ts";

describe("parseSelect", () => {
  it("splits, trims and de-duplicates", () => {
    expect(parseSelect("displayName")).toEqual(["displayName"]);
    expect(parseSelect(" id , displayName,mail ")).toEqual(["id", "displayName", "mail"]);
    expect(parseSelect("id,ID,extension_abc_attr1")).toEqual(["id", "extension_abc_attr1"]);
  });

  it.each<[string, RegExp]>([
    ["", /the \$select expression is empty/],
    ["a,,b", /empty item in \$select at position 2/],
    ["a, ", /empty item in \$select at position 3/],
    ["a,b c", /'b c' is not a valid property name in \$select at position 2/],
    ["1abc", /'1abc' is not a valid property name/],
    ["a/b", /'a\/b' is not a valid property name/],
    ["*", /'\*' is not a valid property name/],
  ])("rejects %j", (text, pattern) => {
    expect(() => parseSelect(text)).toThrow(ODataSyntaxError);
    expect(() => parseSelect(text)).toThrow(pattern);
  });
});

describe("parseTop", () => {
  it("accepts non-negative integers", () => {
    expect(parseTop("0")).toBe(0);
    expect(parseTop("5")).toBe(5);
    expect(parseTop(" 999 ")).toBe(999);
    expect(parseTop("007")).toBe(7);
  });

  it.each(["", " ", "-1", "+1", "1.5", "1e3", "abc", "5abc", "0x10", "99999999999999999"])("rejects %j", (text) => {
    expect(() => parseTop(text)).toThrow(ODataSyntaxError);
  });

  it("names the value in the message", () => {
    expect(() => parseTop("abc")).toThrow("Syntax error: $top must be a non-negative integer, but was 'abc'.");
  });
});

describe("skiptoken", () => {
  const state = { v: 1, after: "Adele Vance", id: "6fd2c87f", n: 10, nested: { ok: true, list: [1, "ü", null] } };

  it("round-trips JSON state through an opaque, URL-safe token", () => {
    const token = encodeSkipToken(state);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain("Adele");
    expect(decodeSkipToken(token)).toEqual(state);
    expect(decodeSkipToken(encodeSkipToken({}))).toEqual({});
  });

  it("returns undefined for tampered or malformed tokens", () => {
    const token = encodeSkipToken(state);
    const payloadStart = token.indexOf(".") + 1;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (let i = 0; i < token.length; i++) {
      if (i === payloadStart - 1 || token[i] === ".") continue;
      expect(decodeSkipToken(flip(token, i))).toBeUndefined();
    }
    const bad = [
      "", "v1.", "v1..", "v2" + token.slice(2), token.slice(0, -1), token + "x", token + ".x", token.replace("v1.", ""),
      "v1.bm90IGpzb24.xxxxxxxxxxxx", "v1.!!!!.xxxxxxxxxxxx", `v1.${"A".repeat(9000)}.x`,
    ];
    for (const b of bad) expect(decodeSkipToken(b)).toBeUndefined();
  });

  it("rejects non-object JSON even with a valid checksum shape", () => {
    // Build tokens the way the encoder would, but around non-object JSON.
    const forge = (json: string) => {
      const t = encodeSkipToken({ x: 1 });
      const payload = Buffer.from(json).toString("base64url");
      return { token: `v1.${payload}.${t.split(".")[2]}`, payload };
    };
    for (const json of ["[1,2]", "null", "42", '"s"']) expect(decodeSkipToken(forge(json).token)).toBeUndefined();
  });
});
