import { isAscii } from "node:buffer";
import { describe, expect, it } from "vitest";
import { asciiJson } from "./json-text.ts";

describe("asciiJson", () => {
  const values: [string, unknown][] = [
    ["plain ASCII", { city: "Seattle", n: 1, list: [true, null] }],
    ["Latin-1 and beyond", { city: "São Paulo", name: "Zoë 山田", emoji: "🙂" }],
    ["control and quote characters", { s: 'a"b\\c\n\u0001\u007f\u0080' }],
    ["a lone surrogate", { s: "x\ud800y" }],
  ];
  for (const [name, value] of values) {
    it(`writes ${name} as ASCII that parses back to the same value`, () => {
      const text = asciiJson(value);
      expect(isAscii(Buffer.from(text, "utf8"))).toBe(true);
      expect(JSON.parse(text)).toEqual(value);
    });
  }
  it("is JSON.stringify's text when the value is all ASCII", () => {
    expect(asciiJson({ a: "b", c: [1, 2] })).toBe(JSON.stringify({ a: "b", c: [1, 2] }));
  });
});
