import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv } from "./lib.ts";
import { median, timingRow, type Goal, type TimingRow } from "./report.ts";

/**
 * The `suite` scenario: what a user's test suite feels. Each run is a fresh Node process
 * (bench/suite-child.mjs) that loads the package build as an installed package is loaded and
 * times, in order: the first in-process `startEmulator({ port: 0, inMemory: true })` (it makes the
 * CA, the server certificate and the signing key), a second one, `admin.createTenant()` many times
 * (the first being the emulator's first request), `admin.reset()`, then a suite of test files one
 * after another, each with its own tenant, an msal-node sign-in and five Graph calls.
 */

export interface SuiteOptions {
  runs: number;
  files: number;
  creations: number;
  resets: number;
  log: (line: string) => void;
}

export interface SuiteResult {
  timings: TimingRow[];
  goals: Goal[];
  notes: string[];
}

interface ChildResult {
  importMs: number;
  firstStartMs: number;
  secondStartMs: number;
  creations: number[];
  resets: number[];
  parts: { tenant: number[]; token: number[]; graph: number[] };
}

const ROOT = join(import.meta.dirname, "..");
const ENTRY = join(ROOT, "dist", "emulator", "src", "testing", "index.js");

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) max = Math.max(max, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return max;
}

/** Builds dist/ (npm run build) when it is missing or older than a source or package.json. */
function ensureBuilt(log: (line: string) => void): void {
  const sources = Math.max(newest(join(ROOT, "emulator", "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= sources) return;
  log("  building dist/ (a source changed since the last build)...");
  const r = spawnSync(process.execPath, [join(ROOT, "emulator", "bin", "build-package.mjs")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.status})`);
}

function runChild(o: SuiteOptions): Promise<ChildResult> {
  // A temp folder of its own, so nothing a previous run left there is found; the emulator itself keeps
  // nothing on disk for in-memory starts. The thread pool is Node's default, as in a user's test process.
  const temp = mkdtempSync(join(tmpdir(), "graph-emulator-suite-"));
  const env = childEnv({ TMPDIR: temp, TMP: temp, TEMP: temp });
  delete env.UV_THREADPOOL_SIZE;
  const child = spawn(process.execPath, [join(import.meta.dirname, "suite-child.mjs"), ENTRY, String(o.files), String(o.creations), String(o.resets)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      rmSync(temp, { recursive: true, force: true });
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`suite child failed (${code}):\n${err}${out}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const p99 = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)] as number;

export async function measureSuite(o: SuiteOptions): Promise<SuiteResult> {
  ensureBuilt(o.log);
  const runs: ChildResult[] = [];
  for (let i = 0; i < o.runs; i++) {
    const r = await runChild(o);
    runs.push(r);
    const total = sum(r.parts.tenant) + sum(r.parts.token) + sum(r.parts.graph);
    o.log(
      `  run ${i + 1}: first start ${r.firstStartMs.toFixed(0)} ms, second ${r.secondStartMs.toFixed(1)} ms; createTenant median ${median(r.creations).toFixed(2)} ms, worst ${Math.max(...r.creations).toFixed(1)} ms (first ${r.creations[0]?.toFixed(1)} ms); reset median ${median(r.resets).toFixed(2)} ms; suite of ${o.files} files ${total.toFixed(0)} ms`,
    );
  }
  const each = (f: (r: ChildResult) => number) => runs.map(f);
  const suiteTotals = each((r) => sum(r.parts.tenant) + sum(r.parts.token) + sum(r.parts.graph));
  const worst = each((r) => Math.max(...r.creations));
  const n = `${o.runs} fresh process${o.runs === 1 ? "" : "es"}`;
  const timings: TimingRow[] = [
    timingRow("suite: import graph-emulator/testing (package build)", "ms", each((r) => r.importMs), n),
    timingRow("suite: first startEmulator({ port: 0, inMemory: true }) in a process", "ms", each((r) => r.firstStartMs), n),
    timingRow("suite: second startEmulator in the same process", "ms", each((r) => r.secondStartMs)),
    timingRow(`suite: admin.createTenant(), median of ${o.creations}`, "ms", each((r) => median(r.creations))),
    timingRow(`suite: admin.createTenant(), p99 of ${o.creations}`, "ms", each((r) => p99(r.creations))),
    timingRow(`suite: admin.createTenant(), worst of ${o.creations}`, "ms", worst),
    timingRow("suite: admin.createTenant(), the first (the emulator's first request)", "ms", each((r) => r.creations[0] as number)),
    timingRow(`suite: admin.createTenant(), worst of the ${o.creations - 1} after the first`, "ms", each((r) => Math.max(...r.creations.slice(1)))),
    timingRow(`suite: admin.reset(), median of ${o.resets}`, "ms", each((r) => median(r.resets))),
    timingRow(`suite: ${o.files} files, tenants (admin.createTenant)`, "ms", each((r) => sum(r.parts.tenant))),
    timingRow(`suite: ${o.files} files, sign-ins (msal-node + signInWithCode)`, "ms", each((r) => sum(r.parts.token)), "first sign-in waits for the signing key"),
    timingRow(`suite: ${o.files} files, Graph (5 calls each)`, "ms", each((r) => sum(r.parts.graph))),
    timingRow(`suite: ${o.files} files in all`, "ms", suiteTotals),
  ];
  const first = median(each((r) => r.firstStartMs));
  const worstMedian = median(worst);
  const total = median(suiteTotals);
  const check = (id: string, text: string, ok: boolean, measured: string): Goal => ({ id, text, status: ok ? "PASS" : "MISS", measured });
  const goals: Goal[] = [
    check("suite-first-start", "first in-process startEmulator({ port: 0, inMemory: true }) < 300 ms (fresh process)", first < 300, `${first.toFixed(0)} ms median of ${n} (second: ${median(each((r) => r.secondStartMs)).toFixed(1)} ms)`),
    check(
      "suite-create-tenant",
      `admin.createTenant() worst case of ${o.creations} < 10 ms`,
      worstMedian < 10,
      `${worstMedian.toFixed(1)} ms (median over runs of each run's worst; median ${median(each((r) => median(r.creations))).toFixed(2)} ms; admin.reset() median ${median(each((r) => median(r.resets))).toFixed(2)} ms)`,
    ),
    check(
      "suite-files",
      `${o.files} test files (tenant, msal-node sign-in, 5 Graph calls each) < 5 s in all`,
      total < 5000,
      `${total.toFixed(0)} ms: tenants ${median(each((r) => sum(r.parts.tenant))).toFixed(0)} ms, sign-ins ${median(each((r) => sum(r.parts.token))).toFixed(0)} ms, Graph ${median(each((r) => sum(r.parts.graph))).toFixed(0)} ms`,
    ),
  ];
  return { timings, goals, notes: [] };
}
