import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, memoryOf, sleep, spawnUntilHealthy, timeToExit } from "./lib.ts";
import { timingRow, type TimingRow } from "./report.ts";

/**
 * Cold start: spawn the emulator as users start it and time spawn → first
 * 200 from /_emulator/health (polled every 5 ms), with an empty new data dir
 * and again with the existing one (default fixtures, file-backed state), and
 * read its resident memory once it answers. Reference rows show what Node and
 * the tsx loader cost on their own on this machine.
 */

export interface Launcher {
  name: string;
  /** argv before the emulator's own flags. */
  argv: string[];
}

/** The TypeScript sources through tsx's loader, module by module. */
export const TSX_LAUNCHER: Launcher = { name: "tsx: node --import tsx emulator/src/main.ts", argv: [process.execPath, "--import", "tsx", "emulator/src/main.ts"] };

const START_SCRIPT = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts?: { start?: string } }).scripts?.start ?? "";
/** The Node flags the start script gives before emulator/bin/start.cjs. */
const START_FLAGS = /^node\s+(.*?)\s*emulator\/bin\/start\.cjs/.exec(START_SCRIPT)?.[1]?.split(/\s+/).filter(Boolean) ?? [];

/** The prebuilt bundle with V8's code cache (emulator/bin/start.cjs, rebuilt when a source changed), with the start script's Node flags. */
export const BUNDLE_LAUNCHER: Launcher = {
  name: `bundle: node ${[...START_FLAGS, "emulator/bin/start.cjs"].join(" ")}`,
  argv: [process.execPath, ...START_FLAGS, "emulator/bin/start.cjs"],
};

/**
 * The installed command (`graph-emulator`, package.json "bin": the package build's prebuilt bundle in
 * dist/bin), as npx runs it once it found it: without npm in front.
 */
export const PACKAGE_LAUNCHER: Launcher = { name: "installed: node dist/bin/graph-emulator.cjs", argv: [process.execPath, "dist/bin/graph-emulator.cjs"] };

/** `npm start` as users type it: npm itself, then whatever the start script runs. */
export const NPM_LAUNCHER: Launcher = { name: "npm start --", argv: ["npm", "start", "--silent", "--"] };

/** The launcher `npm start` runs, read from package.json. */
export function npmStartLauncher(): Launcher {
  return START_SCRIPT.includes("emulator/bin/start.cjs") ? BUNDLE_LAUNCHER : TSX_LAUNCHER;
}

export interface ColdStartResult {
  rows: TimingRow[];
  /** The launcher the goals are judged on (what npm start runs). */
  goalLauncher: string;
  /** Median ms with an existing data dir, for the goal. */
  existingMs: number;
  /** Median resident memory 1 s after the first answer (existing data dir), MiB. */
  rssMiB: number;
  /** The installed command: median start with an existing data dir, and `npx graph-emulator --help` (ms). */
  installed?: { existingMs: number; npxHelpMs: number };
}

async function startOnce(launcher: Launcher, dataDir: string): Promise<{ ms: number; rssAtAnswer: number; rssSettled: number; peak: number }> {
  const port = await freePort();
  const started = await spawnUntilHealthy([...launcher.argv, "--port", String(port), "--data-dir", dataDir], `https://127.0.0.1:${port}/_emulator/health`, {
    pollMs: 5,
  });
  try {
    // npm and tsx's CLI start the emulator as a grandchild: memory is only read for a direct child.
    const direct = launcher !== NPM_LAUNCHER;
    const atAnswer = direct ? memoryOf(started.child.pid as number) : null;
    await sleep(1000);
    const settled = direct ? memoryOf(started.child.pid as number) : null;
    return { ms: started.ms, rssAtAnswer: atAnswer?.rssMiB ?? NaN, rssSettled: settled?.rssMiB ?? NaN, peak: settled?.peakMiB ?? NaN };
  } finally {
    await started.stop();
  }
}

/**
 * `npx graph-emulator --help` as a project that installed the package runs it: a scratch project
 * whose node_modules/graph-emulator links to this repository (its dist/ built by `npm run build`).
 */
async function timeNpxHelp(runs: number): Promise<number[]> {
  const project = mkdtempSync(join(tmpdir(), "graph-emulator-npx-"));
  try {
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bench-consumer", private: true }));
    mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
    symlinkSync(process.cwd(), join(project, "node_modules", "graph-emulator"));
    symlinkSync(join("..", "graph-emulator", "dist", "bin", "graph-emulator.cjs"), join(project, "node_modules", ".bin", "graph-emulator"));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = spawnSync("npx", ["--no-install", "graph-emulator", "--help"], { cwd: project, encoding: "utf8" });
      if (r.status !== 0 || !r.stdout.includes("Usage: graph-emulator")) throw new Error(`npx graph-emulator --help failed (${r.status}): ${r.stderr}`);
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

export async function measureColdStart(options: { runs: number; launchers: Launcher[]; goal: Launcher; log: (line: string) => void }): Promise<ColdStartResult> {
  const rows: TimingRow[] = [];
  const nodeRef: number[] = [];
  const tsxRef: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    nodeRef.push(await timeToExit([process.execPath, "-e", "0"]));
    tsxRef.push(await timeToExit([process.execPath, "--import", "tsx", "-e", "0"]));
  }
  rows.push(timingRow("reference: node -e 0 (spawn to exit)", "ms", nodeRef));
  rows.push(timingRow("reference: node --import tsx -e 0", "ms", tsxRef));
  const withExtraCa = process.env.NODE_EXTRA_CA_CERTS;
  if (withExtraCa && existsSync(withExtraCa)) {
    const withCa: number[] = [];
    for (let i = 0; i < options.runs; i++) withCa.push(await timeToExit([process.execPath, "-e", "0"], { ...process.env }));
    rows.push(timingRow("reference: node -e 0 with this shell's NODE_EXTRA_CA_CERTS", "ms", withCa, "children below run without it"));
  }

  let existingMs = NaN;
  let rssMiB = NaN;
  let installedMs: number | undefined;
  for (const launcher of options.launchers) {
    const fresh: number[] = [];
    const existing: number[] = [];
    const rssAnswer: number[] = [];
    const rssSettled: number[] = [];
    const peaks: number[] = [];
    const dirs: string[] = [];
    // One untimed start first, as a developer's second start: the OS file cache, tsx's transform cache and
    // the bundle (built if a source changed) with its code cache are all warm then.
    const warm = mkdtempSync(join(tmpdir(), "graph-emulator-cold-"));
    try {
      await startOnce(launcher, warm);
    } finally {
      rmSync(warm, { recursive: true, force: true });
    }
    try {
      for (let i = 0; i < options.runs; i++) {
        const dir = mkdtempSync(join(tmpdir(), "graph-emulator-cold-"));
        dirs.push(dir);
        fresh.push((await startOnce(launcher, dir)).ms);
      }
      const dir = dirs[0] as string;
      for (let i = 0; i < options.runs; i++) {
        const r = await startOnce(launcher, dir);
        existing.push(r.ms);
        rssAnswer.push(r.rssAtAnswer);
        rssSettled.push(r.rssSettled);
        peaks.push(r.peak);
      }
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
    const freshRow = timingRow(`start, new data dir: ${launcher.name}`, "ms", fresh);
    const existingRow = timingRow(`start, existing data dir: ${launcher.name}`, "ms", existing);
    const rssRow = timingRow(`RSS 1 s after start: ${launcher.name}`, "MiB", rssSettled, `peak ${Math.max(...peaks).toFixed(0)} MiB`);
    rows.push(freshRow, existingRow);
    if (rssSettled.every(Number.isFinite)) rows.push(timingRow(`RSS at first answer: ${launcher.name}`, "MiB", rssAnswer), rssRow);
    options.log(`  ${launcher.name}: new data dir ${freshRow.median.toFixed(0)} ms, existing ${existingRow.median.toFixed(0)} ms, RSS ${rssRow.median.toFixed(0)} MiB`);
    if (launcher === options.goal) {
      existingMs = existingRow.median;
      rssMiB = rssRow.median;
    }
    if (launcher === PACKAGE_LAUNCHER) installedMs = existingRow.median;
  }
  let installed: ColdStartResult["installed"];
  if (installedMs !== undefined) {
    const help = timingRow("npx graph-emulator --help (spawn to exit)", "ms", await timeNpxHelp(options.runs));
    rows.push(help);
    options.log(`  npx graph-emulator --help: ${help.median.toFixed(0)} ms`);
    installed = { existingMs: installedMs, npxHelpMs: help.median };
  }
  return { rows, goalLauncher: options.goal.name, existingMs, rssMiB, ...(installed ? { installed } : {}) };
}
