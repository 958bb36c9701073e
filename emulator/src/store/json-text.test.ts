import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAscii } from "node:buffer";
import { asciiJson, readText } from "./json-text.ts";

describe("readText", () => {
  const dir = mkdtempSync(join(tmpdir(), "read-text-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, Buffer][] = [
    ["ASCII", Buffer.from('{"city":"Seattle"}')],
    ["UTF-8 beyond Latin-1", Buffer.from('{"city":"São Paulo","name":"Zoë 山田 🙂"}')],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ["empty", Buffer.alloc(0)],
  ];
  for (const [name, bytes] of cases) {
    it(`reads ${name} as readFileSync(file, "utf8") does`, () => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, bytes);
      expect(readText(file)).toBe(readFileSync(file, "utf8"));
    });
  }
  it("throws readFileSync's error for a missing file", () => {
    expect(() => readText(join(dir, "missing.json"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});

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
