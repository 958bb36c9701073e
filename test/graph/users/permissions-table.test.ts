import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { permissionRows, type PermissionRow } from "../operation-rows.ts";

const USERS_PERMISSIONS = permissionRows("directory");

/**
 * Checks the emulator's permission tables against Microsoft's permissions map
 * (microsoft-graph-devx-content permissions/new/permissions.json), read at
 * run time from ../shared/reference/data; nothing of it is copied here.
 *
 * For each row: the map must have the method and path; our first (least
 * privileged) permission must be one the map marks least for that scheme,
 * taking the least-marked pathSet with the fewest methods (as
 * reference/perm_lookup.py does); and every permission we accept must be one
 * the map lists. Rows marked `differsFromMicrosoft` say why instead.
 */
const FILE = fileURLToPath(new URL("../../../../shared/reference/data/permissions.json", import.meta.url));
const exists = existsSync(FILE);
const skipped = exists ? "" : " (skipped: ../shared/reference/data not present)";

type Scheme = "DelegatedWork" | "Application";
interface PathSet {
  schemeKeys: string[];
  methods: string[];
  paths: Record<string, string>;
}
interface MapEntry {
  perm: string;
  least: boolean;
  methods: number;
}

const normalize = (p: string) => p.trim().toLowerCase().replace(/\/+$/, "").replace(/\{[^}]*\}/g, "{id}");

/** Every (permission, least?) the map lists for a method, path and scheme. */
function lookup(map: Record<string, { pathSets?: PathSet[] }>, method: string, path: string, scheme: Scheme): MapEntry[] {
  const out: MapEntry[] = [];
  const wanted = normalize(path);
  for (const [perm, info] of Object.entries(map)) {
    for (const set of info.pathSets ?? []) {
      if (!set.methods.includes(method) || !set.schemeKeys.includes(scheme)) continue;
      for (const [p, annotation] of Object.entries(set.paths)) {
        if (normalize(p) !== wanted) continue;
        const least = /least=([^;]*)/.exec(annotation)?.[1]?.split(",") ?? [];
        out.push({ perm, least: least.includes(scheme), methods: set.methods.length });
      }
    }
  }
  return out;
}

/** The least-marked permissions in the pathSets with the fewest methods (ties: all). */
function leastOf(entries: MapEntry[]): string[] {
  const marked = entries.filter((e) => e.least);
  const fewest = Math.min(...marked.map((e) => e.methods));
  return [...new Set(marked.filter((e) => e.methods === fewest).map((e) => e.perm))];
}

/** The map lists a reference ($ref) under its navigation path. */
const mapPath = (row: PermissionRow) => row.path.replace(/\/\$ref$/, "");

const map: Record<string, { pathSets?: PathSet[] }> = exists
  ? (JSON.parse(readFileSync(FILE, "utf8")) as { permissions: Record<string, { pathSets?: PathSet[] }> }).permissions
  : {};

const same = (a: readonly string[], b: readonly string[]) => a.every((x) => b.some((y) => y.toLowerCase() === x.toLowerCase()));

describe(`users permission table vs Microsoft's permissions map${skipped}`, () => {
  for (const row of USERS_PERMISSIONS.filter((r) => !r.differsFromMicrosoft)) {
    it.skipIf(!exists)(`${row.method} ${row.path}: least privileged first, and only permissions the map lists${skipped}`, () => {
      for (const [scheme, ours] of [["DelegatedWork", row.delegated], ["Application", row.application]] as const) {
        const entries = lookup(map, row.method, mapPath(row), scheme);
        if (ours.length === 0) {
          expect(entries, `${scheme}: the map allows ${row.method} ${row.path} but the emulator refuses it`).toEqual([]);
          continue;
        }
        expect(entries.length, `${scheme}: the map has no ${row.method} ${mapPath(row)}`).toBeGreaterThan(0);
        expect(leastOf(entries), `${scheme}: least privileged`).toContain(ours[0]);
        const listed = entries.map((e) => e.perm);
        expect(same(ours, listed), `${scheme}: ${ours.filter((p) => !listed.includes(p)).join(", ")} not in the map`).toBe(true);
      }
    });
  }

  for (const row of USERS_PERMISSIONS.filter((r) => r.differsFromMicrosoft)) {
    it.skipIf(!exists)(`${row.method} ${row.path} differs on purpose: ${row.differsFromMicrosoft}${skipped}`, () => {
      // The stated reason must still be true: these rows are the ones the map does not cover.
      const covered = lookup(map, row.method, mapPath(row), "DelegatedWork").length + lookup(map, row.method, mapPath(row), "Application").length;
      expect(covered).toBe(0);
    });
  }

  it("has one row per method and path", () => {
    const keys = USERS_PERMISSIONS.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
