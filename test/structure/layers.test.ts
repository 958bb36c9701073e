import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The structure rules of docs/architecture.md, read from that page: no module
 * of emulator/src imports from a layer above its own, client/ never imports
 * emulator/, and a source file over 300 lines says why near its top.
 */

const root = path.resolve(import.meta.dirname, "../..");
const src = path.join(root, "emulator/src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The layer table: module name (a folder `x/` or a file `x.ts`) → its layer number. */
function layersFromDocs(): Map<string, number> {
  const page = readFileSync(path.join(root, "docs/architecture.md"), "utf8");
  const layers = new Map<string, number>();
  for (const line of page.split("\n")) {
    const row = /^\|\s*(\d+)\s*\|([^|]+)\|/.exec(line);
    if (!row) continue;
    for (const name of row[2]!.matchAll(/`([^`]+)`/g)) layers.set(name[1]!.replace(/\/$/, ""), Number(row[1]));
  }
  return layers;
}

/** The relative imports of a file (import, export … from, import()), resolved to absolute paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((f) => f.startsWith(".")).map((f) => path.resolve(path.dirname(file), f));
}

/** The module (first path part under emulator/src) a file belongs to. */
const moduleOf = (file: string): string => path.relative(src, file).split(path.sep)[0]!.replace(/\/$/, "");

describe("layers, as docs/architecture.md describes them", () => {
  const layers = layersFromDocs();
  const files = sourceFiles(src);

  it("the page's table names every module of emulator/src, and only those", () => {
    const modules = new Set(files.map(moduleOf));
    expect(layers.size).toBeGreaterThan(5);
    expect([...modules].filter((m) => !layers.has(m)), "modules missing from the layer table").toEqual([]);
    expect([...layers.keys()].filter((m) => !modules.has(m)), "table rows naming no module").toEqual([]);
  });

  it("no module imports from a layer above its own", () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      for (const target of importsOf(file)) {
        if (!target.startsWith(src + path.sep)) continue;
        const to = moduleOf(target);
        if (to !== from && (layers.get(to) ?? 0) > (layers.get(from) ?? 0)) upward.push(`${path.relative(src, file)} → ${path.relative(src, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("client/src never imports emulator/", () => {
    const client = path.join(root, "client/src");
    const offending = readdirSync(client, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => path.join(e.parentPath, e.name))
      .flatMap((file) => importsOf(file).filter((t) => t.startsWith(path.join(root, "emulator"))).map((t) => `${path.relative(root, file)} → ${path.relative(root, t)}`));
    expect(offending).toEqual([]);
  });

  it("a source file over 300 lines states why near its top", () => {
    const unexplained = files.filter((file) => {
      const lines = readFileSync(file, "utf8").split("\n");
      return lines.length > 300 && !lines.slice(0, 40).some((l) => /Over 300 lines:/.test(l));
    });
    expect(unexplained.map((f) => path.relative(src, f))).toEqual([]);
  });
});
