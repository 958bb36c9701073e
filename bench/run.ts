import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { cachedDataDir, measureBigData, type BigResult } from "./big-data.ts";
import { BUNDLE_LAUNCHER, measureColdStart, NPM_LAUNCHER, npmStartLauncher, PACKAGE_LAUNCHER, TSX_LAUNCHER, type ColdStartResult } from "./cold-start.ts";
import { killChildren } from "./lib.ts";
import { load, probeInWorker, summarize, type LoadResult } from "./load.ts";
import { goalsText, median, throughputTable, timingTable, writeResults, type BenchResults, type Goal, type Target, type ThroughputRow } from "./report.ts";
import { SMALL_SCENARIOS, startSmall, type Scenario, type Small } from "./scenarios.ts";
import { measureNotificationCost, type NotificationCost } from "./notifications.ts";
import { measureTokenRate, type TokenRate } from "./token-rate.ts";
import { measureSuite, type SuiteResult } from "./suite.ts";
import { measureTokenStores, type TokenStoreBenchResult } from "./token-stores.ts";

// As `npm start` does (emulator/bin/run-bundle.cjs): a thread pool of the cores left beside the event
// loop (at least one, at most four), so that RS256 signing on it does not oversubscribe a small machine. libuv reads the size when the
// pool starts, which tsx's loader has done by now: unless set, the bench runs again with it set.
if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const size = String(Math.min(4, Math.max(1, availableParallelism() - 1)));
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit", env: { ...process.env, UV_THREADPOOL_SIZE: size } });
  process.exit(child.status ?? 1);
}

const HELP = `npm run bench -- [options]

Runs, in this process, the emulator (in memory, default fixtures) and two
baselines serving the exact bytes the emulator answered (a raw node:https
server and a bare Express 5 app, same certificate), each in a worker thread
of its own, drives each in turn with autocannon from another worker thread,
then times cold starts, a user's test suite and the big-data scenarios in
child processes. Prints
a table and the goals; writes bench/results/bench-<time>.json and
bench/results/latest.json. docs/benchmarks.md explains what is measured and shows the latest run.

Options:
  --rounds N          alternating rounds per scenario (default 5)
  --duration S        seconds per measured run (default 5)
  --connections N     autocannon connections (default 50)
  --samples N         sequential requests per latency probe (default 300)
  --cold-runs N       cold starts per case, and suite processes (default 5)
  --quick             smoke check: 1 round of 1 s, 50 samples, 2 cold starts, no big data unless --big-data
  --only LIST         comma-separated: me,batch,users,filter,token,events,calendarview,calendardelta,notifications,coldstart,suite,big,tokenstores
                      (token: autocannon, then wrk when installed — Debian: apt-get install wrk —
                      beside the RSA-2048 signing limit of this machine's cores;
                      notifications: POST /me/events one at a time with no subscription and with
                      10 subscriptions on its mailbox delivered to a loopback receiver, alternating;
                      suite: a user's test suite in fresh child processes, --cold-runs of them,
                      loading the package build (built first if a source is newer): the first and a
                      second in-process startEmulator, 200 admin.createTenant(), 50 admin.reset(),
                      then 100 test files, each a tenant, an msal-node sign-in and 5 Graph calls)
                      (tokenstores: the client's PostgreSQL and Redis token stores on throwaway
                      servers, 100,000 users stored, a renewal sweep over 10,000 due users;
                      skipped with the reason where the servers are not installed)
  --npm-start         also time cold starts through \`npm start\`
  --big-data DIR      big-data scenarios on this data dir (from npm run seed -- --data-dir DIR)
  --big-users-data DIR  the users-only run on this data dir (seeded with --events 0) instead of the cached one
  --skip-big          no big-data scenarios
  --big-users N       users to seed for big data (default 100000)
  --big-events N      events to seed for big data (default 1000000)
  --big-seed N        seed for big data (default 1)
  --big-restarts N    restarts timed on big data (default 3)
                      (big data also runs once with the same users and no events,
                      for the users goals' memory figure)
  --update-docs       put this run's tables and goals into docs/benchmarks.md (between its bench:latest markers)
  -h, --help          this text`;

const SCENARIOS = ["me", "batch", "users", "filter", "token", "events", "calendarview", "calendardelta", "notifications", "coldstart", "suite", "big", "tokenstores"] as const;
type ScenarioId = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    rounds: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string" },
    samples: { type: "string" },
    "cold-runs": { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "npm-start": { type: "boolean", default: false },
    "big-data": { type: "string" },
    "big-users-data": { type: "string" },
    "skip-big": { type: "boolean", default: false },
    "big-users": { type: "string" },
    "big-events": { type: "string" },
    "big-seed": { type: "string" },
    "big-restarts": { type: "string" },
    "update-docs": { type: "boolean", default: false },
    /** The old name of --update-docs. */
    "update-readme": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

function int(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench: --${name} must be a number >= ${min}, not '${text}'`);
    process.exit(2);
  }
  return n;
}

const QUICK = values.quick === true;
// Five: on a shared machine single rounds swing by a quarter either way, and the median of five
// per-round ratios moves far less than the median of three.
const ROUNDS = int("rounds", values.rounds, QUICK ? 1 : 5);
const DURATION = int("duration", values.duration, QUICK ? 1 : 5);
// Long enough for the JIT to settle on a bigger path (the token endpoint's first rounds ran slow after 1 s).
const WARMUP = Math.min(DURATION, QUICK ? 0.5 : 2);
const CONNECTIONS = int("connections", values.connections, 50);
const SAMPLES = int("samples", values.samples, QUICK ? 50 : 300);
const COLD_RUNS = int("cold-runs", values["cold-runs"], QUICK ? 2 : 5);
const BIG = {
  users: int("big-users", values["big-users"], 100_000),
  events: int("big-events", values["big-events"], 1_000_000, 0),
  seed: int("big-seed", values["big-seed"], 1),
  restarts: int("big-restarts", values["big-restarts"], QUICK ? 1 : 3),
  dataDir: values["big-data"],
};
const only = new Set<ScenarioId>(
  values.only === undefined
    ? SCENARIOS
    : values.only.split(",").map((s) => {
        const id = s.trim().toLowerCase() as ScenarioId;
        if (!SCENARIOS.includes(id)) {
          console.error(`bench: unknown scenario '${s}' (known: ${SCENARIOS.join(", ")})`);
          process.exit(2);
        }
        return id;
      }),
);
// Big data needs minutes to seed: a quick run or --skip-big leaves it out unless a data dir is given.
const runBig = only.has("big") && !values["skip-big"] && (!QUICK || BIG.dataDir !== undefined);

// A full collection of this thread between runs (autocannon's results pile up here otherwise).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const log = (line = "") => console.log(line);
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg(),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE,
  },
  options: { rounds: ROUNDS, durationS: DURATION, warmupS: WARMUP, connections: CONNECTIONS, samples: SAMPLES, coldRuns: COLD_RUNS, quick: QUICK, only: [...only], big: { ...BIG, run: runBig } },
  throughput: [],
  timings: [],
  big: { timings: [], rows: [], notes: [] },
  goals: [],
  notes: [],
};

/** Alternating load runs on the emulator and the baselines, then a sequential probe of the emulator. */
async function runScenario(s: Small, sc: Scenario): Promise<ThroughputRow[]> {
  const headers = sc.body !== undefined && sc.method === "POST" && !sc.headers["content-type"] ? { ...sc.headers, "content-type": "application/json" } : sc.headers;
  const captured = await s.call(`${s.base}${sc.path}`, { method: sc.method, headers, ...(sc.body !== undefined ? { body: sc.body } : {}) });
  if (captured.status !== sc.expectStatus) throw new Error(`${sc.method} ${sc.path}: expected ${sc.expectStatus}, got ${captured.status} ${captured.body.slice(0, 400)}`);
  await sc.afterEmulatorRun?.();
  for (const b of s.baselines) {
    await b.serve(sc.method, sc.path, { status: captured.status, contentType: String(captured.headers["content-type"] ?? "application/json"), body: Buffer.from(captured.body) });
  }
  const targets: { target: Target; base: string; cpuMs: () => Promise<number> }[] = [s.emulator, ...s.baselines].map((h) => ({ target: h.kind, base: h.base, cpuMs: h.cpuMs }));
  const runs = new Map<Target, LoadResult[]>(targets.map((t) => [t.target, []]));
  log(`\n${sc.title}  (${sc.method} ${sc.path.length > 90 ? `${sc.path.slice(0, 87)}...` : sc.path})`);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, so no target always runs first or last.
    const order = targets.map((_, i) => targets[(i + round) % targets.length] as (typeof targets)[number]);
    for (const t of order) {
      const req = { url: `${t.base}${sc.path}`, method: sc.method, headers, ...(sc.body !== undefined ? { body: sc.body } : {}) };
      gc();
      if (round === 0) {
        await load(req, { connections: CONNECTIONS, durationS: WARMUP });
        if (t.target === "emulator") await sc.afterEmulatorRun?.();
        gc();
      }
      const r = await load(req, { connections: CONNECTIONS, durationS: DURATION, cpuMs: t.cpuMs });
      if (t.target === "emulator") await sc.afterEmulatorRun?.();
      runs.get(t.target)?.push(r);
      log(`  round ${round + 1}  ${t.target.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuUsPerRequest.toFixed(0)} µs CPU/req`);
    }
  }
  const rows: ThroughputRow[] = targets.map((t) => {
    const rs = runs.get(t.target) ?? [];
    return {
      scenario: sc.id,
      title: sc.title,
      target: t.target,
      mode: "load",
      connections: CONNECTIONS,
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuUs: median(rs.map((r) => r.cpuUsPerRequest)),
      rounds: rs.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99, cpuUs: r.cpuUsPerRequest })),
    };
  });
  const [emuRow, bare, raw] = rows as [ThroughputRow, ThroughputRow, ThroughputRow];
  // Ratios per round (runs next to each other share the machine's conditions), then their median.
  const ratio = (other: ThroughputRow) => median(emuRow.rounds.map((r, i) => r.rps / (other.rounds[i]?.rps ?? NaN)));
  emuRow.vsBareExpress = ratio(bare);
  emuRow.vsRawNode = ratio(raw);
  gc();
  const seq = summarize(
    await probeInWorker({
      url: `${s.base}${sc.path}`,
      method: sc.method,
      headers,
      ...(sc.body !== undefined ? { body: sc.body } : {}),
      count: SAMPLES,
      warmup: 20,
      expectStatus: sc.expectStatus,
      ...(sc.cleanupBase ? { cleanupBase: sc.cleanupBase } : {}),
    }),
  );
  if (!sc.cleanupBase) await sc.afterEmulatorRun?.();
  log(`  sequential   emulator     median ${seq.median.toFixed(2)} ms  p99 ${seq.p99.toFixed(2)} ms  (${seq.count} requests, one at a time)`);
  rows.push({
    scenario: sc.id,
    title: sc.title,
    target: "emulator",
    mode: "sequential",
    connections: 1,
    rps: seq.rps,
    p50: seq.median,
    p99: seq.p99,
    rounds: [{ rps: seq.rps, p50: seq.median, p99: seq.p99 }],
  });
  log(`  => emulator ${emuRow.rps.toFixed(0)} req/s = ${((emuRow.vsBareExpress ?? 0) * 100).toFixed(0)}% of bare Express (${bare.rps.toFixed(0)}), ${((emuRow.vsRawNode ?? 0) * 100).toFixed(0)}% of raw node (${raw.rps.toFixed(0)})`);
  return rows;
}

let notificationCost: NotificationCost | undefined;
let tokenRate: TokenRate | { skipped: string } | undefined;
const NOTIFICATION_SUBSCRIPTIONS = 10;

async function smallScenarios(): Promise<void> {
  const wanted = SMALL_SCENARIOS.filter((id) => only.has(id));
  if (wanted.length === 0 && !only.has("notifications")) return;
  log(`Emulator in this process (in memory, default fixtures); load from a worker thread: ${CONNECTIONS} connections, ${ROUNDS} round(s) of ${DURATION} s after ${WARMUP} s of warm-up, targets alternating.`);
  const s = await startSmall();
  try {
    for (const id of wanted) {
      const sc = await s.scenario(id, log);
      results.throughput.push(...(await runScenario(s, sc)));
      if (id !== "token") continue;
      log(`\n${sc.title} with wrk (${CONNECTIONS} connections, 1 thread, ${ROUNDS} round(s) of ${DURATION} s after ${WARMUP} s of warm-up)`);
      gc();
      tokenRate = await measureTokenRate(s, sc, { rounds: ROUNDS, durationS: DURATION, warmupS: WARMUP, connections: CONNECTIONS, log });
      if ("rps" in tokenRate) {
        const t = tokenRate;
        results.throughput.push({ scenario: "token", title: `${sc.title}, wrk`, target: "emulator", mode: "load", connections: CONNECTIONS, rps: t.rps, p50: t.p50, p99: t.p99, rounds: t.rounds.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99 })) });
        results.notes.push(`token endpoint with wrk: ${t.rps.toFixed(0)} tokens/s = ${(t.ofSigningLimit * 100).toFixed(0)}% of the RSA-2048 signing limit (${t.signing.perCore.toFixed(0)}/s per core × ${t.signing.cores} cores)`);
      }
    }
    if (only.has("notifications")) {
      log(`\nChange notifications: POST /v1.0/me/events one at a time, no subscription vs ${NOTIFICATION_SUBSCRIPTIONS} subscriptions on its mailbox (loopback receiver), ${ROUNDS} alternating round(s)`);
      gc();
      notificationCost = await measureNotificationCost(s, { subscriptions: NOTIFICATION_SUBSCRIPTIONS, samples: SAMPLES, rounds: ROUNDS, log });
      for (const [title, v] of [
        ["POST /v1.0/me/events, no subscription", notificationCost.without],
        [`POST /v1.0/me/events, ${NOTIFICATION_SUBSCRIPTIONS} subscriptions notified`, notificationCost.with],
      ] as const) {
        results.throughput.push({ scenario: "notifications", title, target: "emulator", mode: "sequential", connections: 1, rps: v.rps, p50: v.median, p99: v.p99, rounds: [{ rps: v.rps, p50: v.median, p99: v.p99 }] });
      }
    }
  } finally {
    await s.close();
  }
}

function findRow(scenario: ScenarioId, target: Target, mode: ThroughputRow["mode"] = "load"): ThroughputRow | undefined {
  return results.throughput.find((r) => r.scenario === scenario && r.target === target && r.mode === mode);
}

/** Decimal units, as the goals are written (100 MB = 95.4 MiB, 1.5 GB = 1430.5 MiB). */
const MB_IN_MIB = 1e6 / 2 ** 20;

function goals(cold: ColdStartResult | undefined, big: BigResult | undefined, usersOnly: BigResult | undefined): Goal[] {
  const out: Goal[] = [];
  const skip = (id: string, text: string, why: string): Goal => ({ id, text, status: "SKIP", measured: "not measured", why });
  const check = (id: string, text: string, ok: boolean, measured: string): Goal => ({ id, text, status: ok ? "PASS" : "MISS", measured });

  const me = findRow("me", "emulator");
  const meBare = findRow("me", "bare Express");
  if (me && meBare) {
    out.push(check("me-throughput", "GET /v1.0/me >= 80% of bare Express req/s", (me.vsBareExpress ?? 0) >= 0.8, `${((me.vsBareExpress ?? 0) * 100).toFixed(0)}% (${me.rps.toFixed(0)} vs ${meBare.rps.toFixed(0)} req/s)`));
    const at = CONNECTIONS === 50 ? "" : ` (measured at ${CONNECTIONS} connections, not 50)`;
    out.push(check("me-p99", "GET /v1.0/me p99 < 50 ms at 50 connections", me.p99 < 50 && CONNECTIONS === 50, `${me.p99} ms${at}`));
  } else {
    out.push(skip("me-throughput", "GET /v1.0/me >= 80% of bare Express req/s", "scenario not run"), skip("me-p99", "GET /v1.0/me p99 < 50 ms at 50 connections", "scenario not run"));
  }
  // A page of users is joined from the directory's ready view texts: no slower than bare Express serializing the same page.
  const listGoal = (id: string, scenario: ScenarioId, text: string): Goal => {
    const row = findRow(scenario, "emulator");
    const bareRow = findRow(scenario, "bare Express");
    return row && bareRow
      ? check(id, text, (row.vsBareExpress ?? 0) >= 0.9, `${((row.vsBareExpress ?? 0) * 100).toFixed(0)}% (${row.rps.toFixed(0)} vs ${bareRow.rps.toFixed(0)} req/s)`)
      : skip(id, text, "scenario not run");
  };
  out.push(listGoal("users-throughput", "users", "GET /v1.0/users?$top=100 >= 90% of bare Express req/s"));
  out.push(listGoal("filter-throughput", "filter", "indexed $filter (startswith, $top=100) >= 90% of bare Express req/s"));
  const batch = findRow("batch", "emulator");
  const batchText = "a $batch of 20 GET /me costs no more server CPU than 20 single GET /me";
  out.push(
    batch?.cpuUs !== undefined && me?.cpuUs !== undefined
      ? check("batch-cost", batchText, batch.cpuUs <= 20 * me.cpuUs, `${batch.cpuUs.toFixed(0)} µs vs 20 × ${me.cpuUs.toFixed(0)} µs = ${(20 * me.cpuUs).toFixed(0)} µs`)
      : skip("batch-cost", batchText, "me and batch not both run"),
  );
  const view = findRow("calendarview", "emulator");
  const viewText = "calendarView one month, 10,000-event mailbox >= 40% of bare Express req/s";
  out.push(view ? check("calendarview-throughput", viewText, (view.vsBareExpress ?? 0) >= 0.4, `${((view.vsBareExpress ?? 0) * 100).toFixed(0)}%`) : skip("calendarview-throughput", viewText, "scenario not run"));
  const delta = findRow("calendardelta", "emulator", "sequential");
  const deltaText = "calendarView delta, first page of a year of the 10,000-event mailbox: sequential median < 50 ms";
  out.push(delta ? check("calendar-delta", deltaText, delta.p50 < 50, `${delta.p50.toFixed(1)} ms`) : skip("calendar-delta", deltaText, "scenario not run"));
  const notifyText = `change notifications add < 5 ms to the median latency of the write that causes them (POST /me/events, ${NOTIFICATION_SUBSCRIPTIONS} subscriptions vs none)`;
  out.push(
    notificationCost
      ? check("notification-cost", notifyText, notificationCost.addedMs < 5 && notificationCost.delivered === notificationCost.expected, `${notificationCost.addedMs.toFixed(2)} ms (${notificationCost.with.median.toFixed(2)} vs ${notificationCost.without.median.toFixed(2)} ms; ${notificationCost.delivered} of ${notificationCost.expected} notifications delivered)`)
      : skip("notification-cost", notifyText, "scenario not run"),
  );
  const token = findRow("token", "emulator");
  out.push(token ? check("token-rate", "token endpoint (client credentials) >= 800 tokens/s", token.rps >= 800, `${token.rps.toFixed(0)} tokens/s`) : skip("token-rate", "token endpoint (client credentials) >= 800 tokens/s", "scenario not run"));
  const wrkText = "token endpoint measured with wrk >= 2,500 RS256 tokens/s at 50 connections";
  if (!tokenRate) out.push(skip("token-rate-wrk", wrkText, "scenario not run"));
  else if ("skipped" in tokenRate) out.push(skip("token-rate-wrk", wrkText, tokenRate.skipped));
  else
    out.push(
      check(
        "token-rate-wrk",
        wrkText,
        tokenRate.rps >= 2500 && CONNECTIONS === 50,
        `${tokenRate.rps.toFixed(0)} tokens/s, ${(tokenRate.ofSigningLimit * 100).toFixed(0)}% of the signing limit (${tokenRate.signing.total.toFixed(0)}/s on ${tokenRate.signing.cores} cores)${CONNECTIONS === 50 ? "" : ` (measured at ${CONNECTIONS} connections, not 50)`}`,
      ),
    );
  if (cold) {
    out.push(check("cold-start", "start to first answer < 300 ms, existing data dir (default fixtures)", cold.existingMs < 300, `${cold.existingMs.toFixed(0)} ms median (${cold.goalLauncher})`));
    out.push(check("start-rss", "resident memory after start < 100 MB", cold.rssMiB < 100 * MB_IN_MIB, `${cold.rssMiB.toFixed(0)} MiB = ${((cold.rssMiB * 2 ** 20) / 1e6).toFixed(0)} MB (${cold.goalLauncher})`));
  } else {
    out.push(skip("cold-start", "start to first answer < 300 ms, existing data dir (default fixtures)", "coldstart not run"), skip("start-rss", "resident memory after start < 100 MB", "coldstart not run"));
  }
  const installedStart = "installed command (graph-emulator): start to first answer < 300 ms, existing data dir";
  const npxHelp = "npx graph-emulator --help answers in < 1 s";
  if (cold?.installed) {
    out.push(check("installed-start", installedStart, cold.installed.existingMs < 300, `${cold.installed.existingMs.toFixed(0)} ms median`));
    out.push(check("npx-help", npxHelp, cold.installed.npxHelpMs < 1000, `${cold.installed.npxHelpMs.toFixed(0)} ms median`));
  } else {
    out.push(skip("installed-start", installedStart, "no dist/ or coldstart not run"), skip("npx-help", npxHelp, "no dist/ or coldstart not run"));
  }
  const scale = `${BIG.users.toLocaleString("en")} users, ${BIG.events.toLocaleString("en")} events`;
  const bigGoal = (id: string, text: string, value: number | undefined, limit: number, unit: string, why?: string): Goal => {
    const full = `${text} (${scale})`;
    if (!big) return skip(id, full, runBig ? "big data not measured" : "big data not run (--quick, --skip-big or --only)");
    if (value === undefined || !Number.isFinite(value)) return skip(id, full, why ?? big.skipped ?? "not measured");
    return check(id, full, value < limit, `${value.toFixed(unit === "ms" ? 1 : 0)} ${unit}`);
  };
  const calendarWhy = big?.notes.find((n) => n.includes("Calendars.ReadWrite") || n.includes("no mailbox"));
  out.push(bigGoal("big-filter", "indexed user $filter median < 10 ms", big?.filter?.median, 10, "ms"));
  out.push(bigGoal("big-calendarview", "one-month calendarView median < 20 ms", big?.calendarView?.median, 20, "ms", calendarWhy));
  out.push(bigGoal("big-post-event", "POST /me/events acknowledged and durable, median < 50 ms", big?.postEvent?.median, 50, "ms", calendarWhy));
  out.push(bigGoal("big-restart", "restart with that data dir < 3 s", big?.restartMs, 3_000, "ms"));
  out.push(bigGoal("big-rss", "resident memory after start < 800 MiB", big?.rssAfterStartMiB, 800, "MiB"));
  out.push(bigGoal("big-first-mailbox", "first request to a mailbox not read since the restart (one-month calendarView) median < 100 ms", big?.firstMailboxMs, 100, "ms"));
  const usersText = `users only: resident memory < 1 GB (${BIG.users.toLocaleString("en")} users, no events)`;
  if (!usersOnly) out.push(skip("users-rss", usersText, runBig ? "users only not measured" : "big data not run (--quick, --skip-big or --only)"));
  else if (usersOnly.rssMiB === undefined) out.push(skip("users-rss", usersText, usersOnly.skipped ?? "not measured"));
  else out.push(check("users-rss", usersText, usersOnly.rssMiB < 1000 * MB_IN_MIB, `${usersOnly.rssMiB.toFixed(0)} MiB`));
  return out;
}

async function main(): Promise<void> {
  log(`graph-emulator bench, ${results.startedAt}: ${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  await smallScenarios();

  let cold: ColdStartResult | undefined;
  if (only.has("coldstart")) {
    log(`\nCold start: spawn to first 200 from /_emulator/health (polled every 5 ms), ${COLD_RUNS} starts per case, default fixtures, file-backed state`);
    const goal = npmStartLauncher();
    log(`  (npm start runs ${goal.name}; the goals are judged on it)`);
    // The installed command needs the package build (npm ci runs it through prepare; npm run build).
    const packaged = existsSync("dist/bin/graph-emulator.cjs") ? [PACKAGE_LAUNCHER] : [];
    if (packaged.length === 0) log("  (no dist/: run npm run build to time the installed command)");
    cold = await measureColdStart({ runs: COLD_RUNS, launchers: [BUNDLE_LAUNCHER, TSX_LAUNCHER, ...packaged, ...(values["npm-start"] ? [NPM_LAUNCHER] : [])], goal, log });
    results.timings.push(...cold.rows);
  }

  let suite: SuiteResult | undefined;
  if (only.has("suite")) {
    log(`\nTest suite: ${COLD_RUNS} fresh Node processes loading the package build (dist/), each timing two in-process starts, 200 admin.createTenant(), 50 admin.reset() and 100 test files (tenant, msal-node sign-in, 5 Graph calls)`);
    suite = await measureSuite({ runs: COLD_RUNS, files: 100, creations: 200, resets: 50, log });
    results.timings.push(...suite.timings);
    results.notes.push(...suite.notes);
  }

  let big: BigResult | undefined;
  if (runBig) {
    log(`\nBig data: ${BIG.users} users, ${BIG.events} events (${BIG.dataDir ? `data dir ${BIG.dataDir}` : `cached in ${cachedDataDir(BIG)}`})`);
    const launcher = npmStartLauncher();
    big = await measureBigData({ ...BIG, launcher, samples: SAMPLES, log });
    if (big.skipped) log(`  not measured: ${big.skipped}`);
    results.big = { ...(big.dataDir ? { dataDir: big.dataDir } : {}), timings: big.timings, rows: [], notes: big.notes };
    for (const [name, v] of [
      ["indexed $filter (startswith, $top=100)", big.filter],
      [big.calendarViewTitle ?? "calendarView", big.calendarView],
      [big.calendarViewBusiestTitle ?? "calendarView, busiest month", big.calendarViewBusiest],
      ["POST /v1.0/me/events (acknowledged on disk)", big.postEvent],
    ] as const) {
      if (v) results.big.rows.push({ scenario: "big", title: name, target: "emulator", mode: "sequential", connections: 1, rps: v.rps, p50: v.median, p99: v.p99, rounds: [{ rps: v.rps, p50: v.median, p99: v.p99 }] });
    }
    if (big.skipped) results.big.notes.push(big.skipped);
  }

  let usersOnly: BigResult | undefined;
  if (runBig) {
    // The users goals' memory figure: the same users with no events at all.
    log(`\nUsers only: ${BIG.users} users, no events (${values["big-users-data"] ? `data dir ${values["big-users-data"]}` : `cached in ${cachedDataDir({ ...BIG, events: 0 })}`})`);
    usersOnly = await measureBigData({ users: BIG.users, events: 0, seed: BIG.seed, restarts: 1, launcher: npmStartLauncher(), samples: SAMPLES, log, dataDir: values["big-users-data"] });
    if (usersOnly.skipped) log(`  not measured: ${usersOnly.skipped}`);
    results.usersOnly = { ...(usersOnly.dataDir ? { dataDir: usersOnly.dataDir } : {}), timings: usersOnly.timings, rows: [], notes: [...usersOnly.notes, ...(usersOnly.skipped ? [usersOnly.skipped] : [])] };
    const f = usersOnly.filter;
    if (f) results.usersOnly.rows.push({ scenario: "big", title: "indexed $filter (startswith, $top=100)", target: "emulator", mode: "sequential", connections: 1, rps: f.rps, p50: f.median, p99: f.p99, rounds: [{ rps: f.rps, p50: f.median, p99: f.p99 }] });
  }

  let stores: TokenStoreBenchResult | undefined;
  if (only.has("tokenstores")) {
    const storeUsers = QUICK ? 10_000 : 100_000;
    const sweepUsers = QUICK ? 1_000 : 10_000;
    log(`\nClient token stores: ${storeUsers.toLocaleString("en")} users stored, ${Math.max(SAMPLES, 1000)} sequential samples per operation; renewal sweep over ${sweepUsers.toLocaleString("en")} due users`);
    stores = await measureTokenStores({ users: storeUsers, samples: Math.max(SAMPLES, 1000), sweepUsers, concurrency: 32, log });
    results.timings.push(...stores.timings);
    results.notes.push(...stores.notes);
  }

  const suiteGoals: Goal[] = suite?.goals ?? [
    { id: "suite-first-start", text: "first in-process startEmulator({ port: 0, inMemory: true }) < 300 ms (fresh process)", status: "SKIP", measured: "not measured", why: "suite not run" },
    { id: "suite-create-tenant", text: "admin.createTenant() worst case of 200 < 10 ms", status: "SKIP", measured: "not measured", why: "suite not run" },
    { id: "suite-files", text: "100 test files (tenant, msal-node sign-in, 5 Graph calls each) < 5 s in all", status: "SKIP", measured: "not measured", why: "suite not run" },
  ];
  results.goals = [...goals(cold, big, usersOnly), ...suiteGoals, ...(stores?.goals ?? [])];
  results.machine.loadavgAtEnd = loadavg();
  results.finishedAt = new Date().toISOString();

  const out: string[] = [];
  const show = (text: string) => {
    out.push(text);
    log(text);
  };
  log(`\n=== Results (${results.startedAt}; median of ${ROUNDS} round(s); p50/p99 in ms; "spread" is the lowest and highest round; ratios are the median of per-round ratios) ===\n`);
  if (results.throughput.length) show(throughputTable(results.throughput));
  if (results.timings.length) show(`\n${timingTable(results.timings)}`);
  if (results.big.rows.length || results.big.timings.length) {
    show(`\nBig data (${BIG.users} users, ${BIG.events} events; emulator as a child on a file-backed data dir; sequential requests):\n`);
    if (results.big.rows.length) show(throughputTable(results.big.rows));
    if (results.big.timings.length) show(`\n${timingTable(results.big.timings)}`);
  }
  for (const note of results.big.notes) show(`  note: ${note}`);
  if (results.usersOnly && (results.usersOnly.rows.length || results.usersOnly.timings.length)) {
    show(`\nUsers only (${BIG.users} users, no events; emulator as a child on a file-backed data dir; sequential requests):\n`);
    if (results.usersOnly.rows.length) show(throughputTable(results.usersOnly.rows));
    if (results.usersOnly.timings.length) show(`\n${timingTable(results.usersOnly.timings)}`);
    for (const note of results.usersOnly.notes) show(`  note: ${note}`);
  }
  show(`\nGoals:\n${goalsText(results.goals)}`);
  const file = writeResults(join(import.meta.dirname, "results"), results);
  log(`\nWrote ${file} and bench/results/latest.json`);
  if (values["update-docs"] || values["update-readme"]) {
    const args = process.argv.slice(2).filter((a) => a !== "--update-docs" && a !== "--update-readme");
    const command = args.length ? `npm run bench -- ${args.join(" ")}` : "npm run bench";
    const header = [
      `Latest run: ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, \`${command}\`, ${String(results.machine.cpus)} CPUs (${String(results.machine.cpu)}), Node ${process.version},`,
      `load average ${(results.machine.loadavgAtStart as number[]).map((x) => x.toFixed(1)).join(" ")} at the start (other work shared the machine; see the CPU column). Full results: \`bench/results/latest.json\`.`,
    ].join("\n");
    updateLatestRun(join(import.meta.dirname, "..", "docs", "benchmarks.md"), `${header}\n\n\`\`\`\n${out.join("\n").trim()}\n\`\`\``);
    log("Updated docs/benchmarks.md");
  }
}

/** Replaces the text between docs/benchmarks.md's bench:latest markers. */
function updateLatestRun(file: string, block: string): void {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("<!-- bench:latest -->");
  const end = text.indexOf("<!-- /bench:latest -->");
  if (start < 0 || end < start) throw new Error(`${file} has no <!-- bench:latest --> ... <!-- /bench:latest --> markers`);
  writeFileSync(file, `${text.slice(0, start)}<!-- bench:latest -->\n${block}\n${text.slice(end)}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
