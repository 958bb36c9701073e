import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The bench's results: rows for the table, timings for starts and memory, goals. */

export type Target = "emulator" | "bare Express" | "raw node";

export interface ThroughputRow {
  scenario: string;
  title: string;
  target: Target;
  /** "load": autocannon at `connections`; "sequential": one request at a time, precise timing. */
  mode: "load" | "sequential";
  connections: number;
  /** Median over rounds (load) or of the whole run (sequential). */
  rps: number;
  p50: number;
  p99: number;
  /** Main-thread (server) CPU per request, µs, median over rounds (load runs in this process only). */
  cpuUs?: number;
  /** Per round, for the spread. */
  rounds: { rps: number; p50: number; p99: number; cpuUs?: number }[];
  vsBareExpress?: number;
  vsRawNode?: number;
}

export interface TimingRow {
  name: string;
  unit: "ms" | "MiB";
  median: number;
  min: number;
  max: number;
  samples: number[];
  note?: string;
}

export type GoalStatus = "PASS" | "MISS" | "SKIP";

export interface Goal {
  id: string;
  text: string;
  status: GoalStatus;
  /** What was measured, e.g. "87% (3120 vs 3590 req/s)". */
  measured: string;
  why?: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  throughput: ThroughputRow[];
  timings: TimingRow[];
  big: { dataDir?: string; timings: TimingRow[]; rows: ThroughputRow[]; notes: string[] };
  /** The same users without events (the users goals' memory figure). */
  usersOnly?: { dataDir?: string; timings: TimingRow[]; rows: ThroughputRow[]; notes: string[] };
  goals: Goal[];
  notes: string[];
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "-");
const f1 = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : "-");
const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "" : `${(n * 100).toFixed(0)}%`);

function table(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function throughputTable(rows: readonly ThroughputRow[]): string {
  return table(
    ["scenario", "target", "conns", "req/s", "spread", "p50 ms", "p99 ms", "CPU µs/req", "vs bare Express", "vs raw node"],
    rows.map((r) => {
      const rps = r.rounds.map((x) => x.rps);
      const spread = r.rounds.length > 1 ? `${f0(Math.min(...rps))}-${f0(Math.max(...rps))}` : "";
      return [r.title, r.mode === "sequential" ? `${r.target} (sequential)` : r.target, String(r.connections), f0(r.rps), spread, f1(r.p50), f1(r.p99), r.cpuUs === undefined ? "" : f0(r.cpuUs), pct(r.vsBareExpress), pct(r.vsRawNode)];
    }),
    [false, false, true, true, true, true, true, true, true, true],
  );
}

export function timingTable(rows: readonly TimingRow[]): string {
  return table(
    ["measurement", "median", "min-max", "n", "note"],
    rows.map((r) => [r.name, `${f1(r.median)} ${r.unit}`, r.samples.length > 1 ? `${f1(r.min)}-${f1(r.max)}` : "", String(r.samples.length), r.note ?? ""]),
    [false, true, true, true, false],
  );
}

export function goalsText(goals: readonly Goal[]): string {
  return goals.map((g) => `  ${g.status}  ${g.text}: ${g.measured}${g.why ? ` (${g.why})` : ""}`).join("\n");
}

/** The median: the middle value, or the mean of the two middle values of an even count (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[half] as number) : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}

export function timingRow(name: string, unit: TimingRow["unit"], samples: number[], note?: string): TimingRow {
  const some = samples.length > 0;
  return {
    name,
    unit,
    median: median(samples),
    min: some ? Math.min(...samples) : NaN,
    max: some ? Math.max(...samples) : NaN,
    samples,
    ...(note ? { note } : {}),
  };
}

/** Writes bench/results/bench-<timestamp>.json and bench/results/latest.json; returns the first path. */
export function writeResults(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, "-");
  const file = join(dir, `bench-${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, "latest.json"), text);
  return file;
}
