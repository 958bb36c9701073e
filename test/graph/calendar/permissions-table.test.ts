import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { permissionRows } from "../operation-rows.ts";

const CALENDAR_PERMISSIONS = permissionRows("outlook");

/**
 * The calendar permission table (emulator/src/graph/calendar/operations.ts)
 * against Microsoft's permissions map, read from the shared reference folder
 * (a copy of microsoft-graph-devx-content permissions/new/permissions.json).
 * Nothing from the map is copied into the project: when the folder is absent
 * the comparison is skipped, and says so in its name.
 *
 * For each row the map knows: Microsoft's least privileged permission comes
 * first in ours, every permission the map allows is allowed, and any extra one
 * is either an app-only alias the map lists without paths
 * (Calendars.ReadBasic.All) or explained by the row's differsFromMicrosoft.
 * Rows the map lacks must say so too.
 */
const FILE = resolve("../shared/reference/data/permissions.json");
const present = existsSync(FILE);

interface PathSet {
  schemeKeys: string[];
  methods: string[];
  paths: Record<string, string>;
}
interface MapFile {
  permissions: Record<string, { schemes: Record<string, unknown>; pathSets?: PathSet[] }>;
}

const norm = (p: string) => p.trim().toLowerCase().replace(/\{[^}]*\}/g, "{id}").replace(/\/$/, "");

interface SchemeEntry {
  least: string[];
  higher: string[];
}

/**
 * Least and higher permissions per scheme for one method and path. A `least=`
 * mark belongs to a path set that may cover several methods, so the least
 * permission is the marked one whose path set has the fewest methods (the
 * rule of reference/perm_lookup.py, which reproduces the docs' tables).
 */
function lookup(map: MapFile, method: string, path: string): Map<string, SchemeEntry> {
  const found = new Map<string, { perm: string; least: boolean; methods: number }[]>();
  for (const [perm, p] of Object.entries(map.permissions)) {
    for (const ps of p.pathSets ?? []) {
      if (!ps.methods.includes(method)) continue;
      for (const [pth, ann] of Object.entries(ps.paths)) {
        if (norm(pth) !== norm(path)) continue;
        const least = (/least=([^;]*)/.exec(ann)?.[1] ?? "").split(",").filter(Boolean);
        for (const scheme of ps.schemeKeys) {
          const list = found.get(scheme) ?? [];
          list.push({ perm, least: least.includes(scheme), methods: ps.methods.length });
          found.set(scheme, list);
        }
      }
    }
  }
  const out = new Map<string, SchemeEntry>();
  for (const [scheme, items] of found) {
    const marked = items.filter((i) => i.least);
    const fewest = Math.min(...marked.map((i) => i.methods));
    const least = [...new Set(marked.filter((i) => i.methods === fewest).map((i) => i.perm))];
    const higher = [...new Set(items.map((i) => i.perm))].filter((p) => !least.includes(p));
    out.set(scheme, { least, higher });
  }
  return out;
}

describe.skipIf(!present)(
  present
    ? "calendar permission table agrees with Microsoft's permissions map"
    : "calendar permission table vs Microsoft's map — SKIPPED: ../shared/reference/data/permissions.json is absent",
  () => {
    const map = present ? (JSON.parse(readFileSync(FILE, "utf8")) as MapFile) : { permissions: {} };
    /** Permissions the map declares for Application with no paths at all (e.g. Calendars.ReadBasic.All). */
    const pathless = new Set(Object.entries(map.permissions).filter(([, p]) => (p.pathSets ?? []).length === 0).map(([name]) => name));

    it("every row is unique", () => {
      const keys = CALENDAR_PERMISSIONS.map((r) => `${r.method} ${r.path}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    for (const row of CALENDAR_PERMISSIONS) {
      it(`${row.method} ${row.path}`, () => {
        const entry = lookup(map, row.method, row.path);
        if (entry.size === 0) {
          expect(row.differsFromMicrosoft, "rows the map lacks must say why they differ").toBeTruthy();
          return;
        }
        for (const [scheme, ours] of [["DelegatedWork", row.delegated], ["Application", row.application]] as const) {
          const theirs = entry.get(scheme);
          if (!theirs) {
            expect(ours, `${scheme}: the map allows none`).toEqual([]);
            continue;
          }
          expect(theirs.least, `${scheme} least`).toContain(ours[0]);
          for (const p of [...theirs.least, ...theirs.higher]) expect(ours, `${scheme} must allow ${p}`).toContain(p);
          const extra = ours.filter((p) => !theirs.least.includes(p) && !theirs.higher.includes(p) && !pathless.has(p));
          if (extra.length > 0) expect(row.differsFromMicrosoft, `${scheme} allows ${extra.join(", ")} beyond the map`).toBeTruthy();
        }
      });
    }
  },
);
