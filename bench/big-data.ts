import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { childEnv, freePort, httpsClient, memoryOf, spawnUntilHealthy } from "./lib.ts";
import { probeInWorker, summarize, type LatencySummary } from "./load.ts";
import { timingRow, type TimingRow } from "./report.ts";
import { FILTER_PATH } from "./scenarios.ts";
import { partitionOf } from "../emulator/src/store/changes.ts";

/**
 * Big data: the emulator as a child process on a file-backed data dir made by
 * `npm run seed -- --users N --events M --seed S --data-dir DIR`, which also
 * writes DIR/synthetic.json naming the tenant, its admin, its app and one
 * busy mailbox. Measures restart time, resident memory, the first request to
 * mailboxes not read since the restart (a state folder opens with the
 * mailboxes' events on disk, read on first use), the indexed $filter, a
 * one-month calendarView of that mailbox and POST /me/events (sequential,
 * each acknowledged by its 201, which the emulator sends once on disk).
 */

export interface SyntheticInfo {
  tenantId: string;
  domain: string;
  admin: { userPrincipalName: string; password: string };
  app: { appId: string; clientSecret: string };
  mailbox?: { userPrincipalName: string; password: string; id: string; events: number; series: number };
  /** Events in all (absent in data dirs written before it was recorded). */
  events?: number;
}

export interface BigOptions {
  /** How the emulator is started (what npm start runs). */
  launcher: { name: string; argv: string[] };
  users: number;
  events: number;
  seed: number;
  /** Given with --big-data: use as is, never seed. */
  dataDir?: string;
  restarts: number;
  samples: number;
  log: (line: string) => void;
}

export interface BigResult {
  dataDir?: string;
  /** Why nothing (or only part) was measured. */
  skipped?: string;
  notes: string[];
  timings: TimingRow[];
  restartMs?: number;
  rssMiB?: number;
  /** Resident memory right after the restart (before any scenario). */
  rssAfterStartMiB?: number;
  /** Median of the first requests (one-month calendarView) to mailboxes in partitions not read since the restart. */
  firstMailboxMs?: number;
  filter?: LatencySummary;
  /** The current month (what a calendar shows first); the goal's measurement. */
  calendarView?: LatencySummary;
  calendarViewTitle?: string;
  /** The mailbox's busiest month, the worst case. */
  calendarViewBusiest?: LatencySummary;
  calendarViewBusiestTitle?: string;
  postEvent?: LatencySummary;
}

const SEED_ENTRY = "emulator/src/cli/seed.ts";

/**
 * The cached data dir for these parameters and this version of the generator
 * and of the store's file format (a change to either seeds afresh).
 */
export function cachedDataDir(o: Pick<BigOptions, "users" | "events" | "seed">): string {
  const generator = createHash("sha256");
  const sources = [
    SEED_ENTRY,
    ...readdirSync("emulator/src/tenants").filter((f) => f.startsWith("synthetic")).map((f) => `emulator/src/tenants/${f}`),
    ...readdirSync("emulator/src/store").filter((f) => f.endsWith(".ts")).map((f) => `emulator/src/store/${f}`),
    "emulator/src/graph/calendar/event-codec.ts",
    "emulator/src/graph/calendar/event-rows.ts",
  ].sort();
  for (const f of sources) if (existsSync(f)) generator.update(readFileSync(f));
  return join(tmpdir(), "graph-emulator-bench-big", `u${o.users}-e${o.events}-s${o.seed}-${generator.digest("hex").slice(0, 8)}`);
}

const COMPLETE = ".bench-seed-complete";

async function ensureDataDir(o: BigOptions): Promise<{ dir: string } | { skipped: string }> {
  if (o.dataDir) {
    const dir = resolve(o.dataDir);
    if (!existsSync(join(dir, "synthetic.json"))) return { skipped: `${dir}/synthetic.json not found (is it a data dir written by npm run seed -- --data-dir?)` };
    return { dir };
  }
  const dir = cachedDataDir(o);
  if (existsSync(join(dir, COMPLETE)) && existsSync(join(dir, "synthetic.json"))) {
    o.log(`  reusing the seeded data dir ${dir}`);
    return { dir };
  }
  // Older data dirs for the same parameters (another generator or store version) are not used again.
  const parent = dirname(dir);
  const prefix = basename(dir).replace(/-[0-9a-f]+$/, "-");
  if (existsSync(parent)) for (const old of readdirSync(parent)) if (old.startsWith(prefix)) rmSync(join(parent, old), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = ["--users", String(o.users), "--events", String(o.events), "--seed", String(o.seed), "--data-dir", dir];
  o.log(`  seeding: npm run seed -- ${args.join(" ")}`);
  const t0 = performance.now();
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", SEED_ENTRY, ...args], { stdio: ["ignore", "inherit", "inherit"], env: childEnv() });
    child.once("exit", (c) => done(c));
  });
  if (code !== 0) return { skipped: `npm run seed -- ${args.join(" ")} exited with ${code}` };
  if (!existsSync(join(dir, "synthetic.json"))) return { skipped: `the seed command wrote no ${dir}/synthetic.json` };
  writeFileSync(join(dir, COMPLETE), `${new Date().toISOString()} ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  o.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir };
}

interface TokenAnswer {
  access_token?: string;
  error?: string;
  error_description?: string;
}

export async function measureBigData(o: BigOptions): Promise<BigResult> {
  const notes: string[] = [];
  const ready = await ensureDataDir(o);
  if ("skipped" in ready) return { skipped: ready.skipped, notes, timings: [] };
  const dir = ready.dir;
  const info = JSON.parse(readFileSync(join(dir, "synthetic.json"), "utf8")) as SyntheticInfo;
  const result: BigResult = { dataDir: dir, notes, timings: [] };

  // The first start on a freshly seeded dir also creates the TLS certificate and signing key: not timed as a
  // restart. Then each restart: spawn → first answer.
  const restarts: number[] = [];
  const port = await freePort();
  const argv = [...o.launcher.argv, "--port", String(port), "--data-dir", dir];
  const health = `https://127.0.0.1:${port}/_emulator/health`;
  let running = await spawnUntilHealthy(argv, health, { timeoutMs: 600_000 });
  o.log(`  first start (${o.launcher.name}): ${running.ms.toFixed(0)} ms`);
  for (let i = 0; i < o.restarts; i++) {
    await running.stop();
    running = await spawnUntilHealthy(argv, health, { timeoutMs: 600_000 });
    restarts.push(running.ms);
  }
  const pid = running.child.pid as number;
  const afterStart = memoryOf(pid);
  result.timings.push(timingRow(`restart to first answer (${o.launcher.name})`, "ms", restarts));
  result.restartMs = result.timings[0]?.median;
  o.log(`  restart to first answer: ${restarts.map((x) => x.toFixed(0)).join(", ")} ms; RSS ${afterStart?.rssMiB.toFixed(0)} MiB`);

  const base = `https://127.0.0.1:${port}`;
  const call = httpsClient();
  try {
    const token = async (params: Record<string, string>): Promise<TokenAnswer> => {
      const reply = await call(`${base}/${info.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: info.app.appId, client_secret: info.app.clientSecret, ...params }).toString(),
      });
      return JSON.parse(reply.body) as TokenAnswer;
    };
    const app = await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" });
    if (!app.access_token) throw new Error(`client credentials for ${info.app.appId}: ${app.error_description ?? app.error}`);
    const asApp = { authorization: `Bearer ${app.access_token}` };

    // First, while nothing but the directory is in memory: the first request to mailboxes not read since the
    // restart, each in another event partition (64 by mailbox), so each request reads its partition from disk.
    if ((info.events ?? 0) > 0) {
      const firsts = await firstMailboxRequests(call, base, asApp, info, FIRST_MAILBOXES);
      if (firsts.length > 0) {
        const sorted = [...firsts].sort((a, b) => a - b);
        result.firstMailboxMs = sorted[Math.floor(sorted.length / 2)];
        result.timings.push(timingRow(`first calendarView of a mailbox not read since the restart (${firsts.length} mailboxes, each in another partition)`, "ms", firsts));
        o.log(`  first request to a mailbox not read since the restart: ${firsts.map((x) => x.toFixed(1)).join(", ")} ms`);
      }
    }

    const filter = await probeInWorker({ url: `${base}${FILTER_PATH}`, method: "GET", headers: asApp, count: o.samples, warmup: 20, expectStatus: 200 });
    result.filter = summarize(filter);
    o.log(`  indexed $filter: median ${result.filter.median.toFixed(2)} ms, p99 ${result.filter.p99.toFixed(2)} ms`);

    // A users-only data dir (a mailbox of 0 events) has nothing to measure in calendars.
    if (!info.mailbox) {
      notes.push("synthetic.json names no mailbox: calendarView and POST /me/events were not measured");
    } else if (info.mailbox.events > 0) {
      const delegated = await token({ grant_type: "password", username: info.mailbox.userPrincipalName, password: info.mailbox.password, scope: "User.Read Calendars.ReadWrite" });
      if (!delegated.access_token) {
        notes.push(
          `the synthetic app ${info.app.appId} cannot get a delegated Calendars.ReadWrite token for ${info.mailbox.userPrincipalName} (${(delegated.error_description ?? delegated.error ?? "").split("\n")[0]}): the seed should declare and admin-consent delegated Calendars.ReadWrite on its app`,
        );
      } else {
        const asUser = { authorization: `Bearer ${delegated.access_token}` };
        const months = await monthCounts(call, base, asUser);
        const now = new Date();
        const current = months.find((m) => m.from.startsWith(now.toISOString().slice(0, 7)) && m.count > 0);
        const busiest = months.reduce((a, b) => (b.count > a.count ? b : a));
        const month = current ?? busiest;
        const viewOf = async (m: Month) => {
          const path = `/v1.0/me/calendarView?startDateTime=${m.from}&endDateTime=${m.to}&$count=true`;
          return summarize(await probeInWorker({ url: `${base}${path}`, method: "GET", headers: asUser, count: o.samples, warmup: 10, expectStatus: 200 }));
        };
        result.calendarView = await viewOf(month);
        result.calendarViewTitle = `calendarView, ${current ? "this month" : "busiest month"} ${month.from.slice(0, 7)} (${month.count} items)`;
        o.log(`  ${result.calendarViewTitle}: median ${result.calendarView.median.toFixed(2)} ms, p99 ${result.calendarView.p99.toFixed(2)} ms`);
        if (current && busiest !== current) {
          result.calendarViewBusiest = await viewOf(busiest);
          result.calendarViewBusiestTitle = `calendarView, busiest month ${busiest.from.slice(0, 7)} (${busiest.count} items)`;
          o.log(`  ${result.calendarViewBusiestTitle}: median ${result.calendarViewBusiest.median.toFixed(2)} ms, p99 ${result.calendarViewBusiest.p99.toFixed(2)} ms`);
        }
        const body = JSON.stringify({
          subject: "bench: durable write",
          start: { dateTime: `${month.from.slice(0, 10)}T10:00:00`, timeZone: "UTC" },
          end: { dateTime: `${month.from.slice(0, 10)}T10:30:00`, timeZone: "UTC" },
        });
        const posts = await probeInWorker({
          url: `${base}/v1.0/me/events`,
          method: "POST",
          headers: { ...asUser, "content-type": "application/json" },
          body,
          count: Math.min(o.samples, 200),
          warmup: 5,
          expectStatus: 201,
          // Each event is deleted again (untimed) so the cached data dir does not grow.
          cleanupBase: `${base}/v1.0/me/events`,
        });
        result.postEvent = summarize(posts);
        o.log(`  POST /me/events (acknowledged on disk): median ${result.postEvent.median.toFixed(2)} ms, p99 ${result.postEvent.p99.toFixed(2)} ms`);
      }
    }
    const after = memoryOf(pid);
    if (afterStart) result.rssAfterStartMiB = afterStart.rssMiB;
    if (afterStart && after) {
      result.timings.push(timingRow("RSS after start", "MiB", [afterStart.rssMiB]));
      result.timings.push(timingRow("RSS after the scenarios", "MiB", [after.rssMiB], `peak ${after.peakMiB.toFixed(0)} MiB`));
      result.rssMiB = Math.max(afterStart.rssMiB, after.rssMiB);
    }
  } finally {
    call.close();
    await running.stop();
  }
  return result;
}

/** Mailboxes whose first request is timed. */
const FIRST_MAILBOXES = 5;

/**
 * Times one one-month calendarView (GET /users/{id}/calendarView, as the app) of each of `count` users
 * other than the busy mailbox, each filed in an event partition no earlier one was (so each reads its
 * partition from disk), sequentially; in ms as the client sees it.
 */
async function firstMailboxRequests(call: ReturnType<typeof httpsClient>, base: string, headers: Record<string, string>, info: SyntheticInfo, count: number): Promise<number[]> {
  const list = await call(`${base}/v1.0/users?$top=200&$select=id`, { headers });
  if (list.status !== 200) throw new Error(`GET /users: ${list.status} ${list.body.slice(0, 300)}`);
  const seen = new Set<string>(info.mailbox ? [partitionOf("events", { ownerId: info.mailbox.id })] : []);
  const ids: string[] = [];
  for (const u of (JSON.parse(list.body) as { value: { id: string }[] }).value) {
    const p = partitionOf("events", { ownerId: u.id });
    if (seen.has(p) || ids.length >= count) continue;
    seen.add(p);
    ids.push(u.id);
  }
  const now = new Date();
  const from = `${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 19)}Z`;
  const to = `${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 19)}Z`;
  const out: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const reply = await call(`${base}/v1.0/users/${id}/calendarView?startDateTime=${from}&endDateTime=${to}`, { headers });
    const ms = performance.now() - t0;
    if (reply.status !== 200) throw new Error(`calendarView of ${id}: ${reply.status} ${reply.body.slice(0, 300)}`);
    out.push(ms);
  }
  return out;
}

interface Month {
  from: string;
  to: string;
  count: number;
}

/** calendarView item counts of the caller's mailbox per month (UTC), 2023 to 2028. */
async function monthCounts(call: ReturnType<typeof httpsClient>, base: string, headers: Record<string, string>): Promise<Month[]> {
  const out: Month[] = [];
  for (let year = 2023; year <= 2028; year++) {
    for (let month = 0; month < 12; month++) {
      const from = `${new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 19)}Z`;
      const to = `${new Date(Date.UTC(year, month + 1, 1)).toISOString().slice(0, 19)}Z`;
      const reply = await call(`${base}/v1.0/me/calendarView?startDateTime=${from}&endDateTime=${to}&$top=1&$count=true`, { headers });
      if (reply.status !== 200) throw new Error(`calendarView ${from}: ${reply.status} ${reply.body.slice(0, 300)}`);
      out.push({ from, to, count: (JSON.parse(reply.body) as { "@odata.count"?: number })["@odata.count"] ?? 0 });
    }
  }
  return out;
}
