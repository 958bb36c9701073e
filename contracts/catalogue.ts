import { readFileSync } from "node:fs";
import { entraErrors } from "../emulator/src/errors/entra-catalogue.ts";
import { graphErrors } from "../emulator/src/errors/graph-error.ts";
import type { ErrorCase } from "./cases/types.ts";

/** What a catalogue factory builds, as far as coverage goes. */
interface Built {
  aadsts?: number;
  error?: string;
  code?: string;
}
type Factory = (...args: never[]) => Built;
export type Catalogue = Record<string, Factory>;

/**
 * Calls a factory to learn the code it builds. Factories take strings, numbers
 * or dates; a string fits every one but those that format a date.
 */
function build(factory: Factory): Built {
  const call = factory as unknown as (...args: unknown[]) => Built;
  try {
    return call("x", "x", "x");
  } catch {
    return call(new Date(0), new Date(0), new Date(0));
  }
}

/** The coverage key of an Entra error: its AADSTS number and `error` value. */
export const entraKey = (aadsts: number, error: string) => `AADSTS${aadsts} ${error}`;
/** The coverage key of a Graph error: its status and `error.code`. */
export const graphKey = (status: number, code: string) => `${status} ${code}`;

/** Every key a catalogue can produce, each with the factory names that produce it. */
export function catalogueKeys(catalogue: Catalogue, wire: "entra" | "graph"): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const [name, factory] of Object.entries(catalogue)) {
    const e = build(factory) as Built & { status: number };
    const key = wire === "entra" ? entraKey(e.aadsts as number, e.error as string) : graphKey(e.status, e.code as string);
    keys.set(key, [...(keys.get(key) ?? []), name]);
  }
  return keys;
}

export function caseKey(c: ErrorCase): string {
  return c.wire === "entra" ? entraKey(c.aadsts ?? 0, c.code) : graphKey(c.status, c.code);
}

export interface Completeness {
  /** Catalogue keys no case covers, with the factories that produce them. */
  uncovered: string[];
  /** Cases asserting a key that no catalogue entry produces. */
  unknown: string[];
}

/** Compares catalogues with cases: both lists must be empty. */
export function completeness(catalogues: { entra: Catalogue; graph: Catalogue }, cases: readonly ErrorCase[]): Completeness {
  const entra = catalogueKeys(catalogues.entra, "entra");
  const graph = catalogueKeys(catalogues.graph, "graph");
  const covered = new Set(cases.map(caseKey));
  const uncovered = [...entra, ...graph].filter(([key]) => !covered.has(key)).map(([key, names]) => `${key} (${names.join(", ")})`);
  const unknown = cases.filter((c) => !(c.wire === "entra" ? entra : graph).has(caseKey(c))).map((c) => `${c.id}: ${caseKey(c)}`);
  return { uncovered, unknown };
}

export const CATALOGUES = { entra: entraErrors as unknown as Catalogue, graph: graphErrors as unknown as Catalogue };

/**
 * The `Source:` comments of a catalogue file, by factory name: the comment
 * lines directly above `name: (`. Parsed from the source text because the
 * sources are documentation, not data the emulator needs at run time.
 */
export function catalogueSources(file: URL): Map<string, string> {
  const sources = new Map<string, string>();
  let comment: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const trimmed = line.trim();
    const factory = /^ {2}(\w+): \(/.exec(line);
    if (factory) {
      const text = comment.join(" ").replace(/\s+/g, " ").trim();
      const source = /Source:\s*(.*)$/.exec(text)?.[1] ?? text;
      if (source) sources.set(factory[1] as string, source);
      comment = [];
    } else if (trimmed.startsWith("//") || trimmed.startsWith("/**") || trimmed.startsWith("*")) {
      comment.push(trimmed.replace(/^\/\*\*|^\*\/|\*\/$|^\/\/|^\*/g, "").trim());
    } else if (trimmed !== "") {
      comment = [];
    }
  }
  return sources;
}

const ENTRA_FILE = new URL("../emulator/src/errors/entra-catalogue.ts", import.meta.url);
const GRAPH_FILE = new URL("../emulator/src/errors/graph-error.ts", import.meta.url);

/** The catalogue's wording source for a case: the comments of the factories that produce its key. */
export function catalogueSourceOf(c: ErrorCase): string {
  const wire = c.wire;
  const names = catalogueKeys(wire === "entra" ? CATALOGUES.entra : CATALOGUES.graph, wire).get(caseKey(c)) ?? [];
  const sources = catalogueSources(wire === "entra" ? ENTRA_FILE : GRAPH_FILE);
  return [...new Set(names.map((n) => sources.get(n)).filter((s): s is string => !!s))].join("; ");
}
