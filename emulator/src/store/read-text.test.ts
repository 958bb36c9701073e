import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readText } from "./read-text.ts";

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
