import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { writeSyntheticTenant } from "../emulator/src/cli/seed.ts";
import { SYNTHETIC_DEFAULTS } from "../emulator/src/tenants/synthetic.ts";
import { freePort, httpsClient, memoryOf, percentile, startChild, type Child } from "./lib.ts";

/**
 * npm run bench -- [--users 100000] [--duration 5] [--rounds 3] [--connections 10] [--samples 300]
 *
 * In one run on this machine: seeds a tenant of N synthetic users, starts the
 * emulator on it (a child process) and a bare Express 5 app serving the same
 * JSON (another child), then measures
 *   - throughput of authenticated GET /v1.0/me and GET /v1.0/users?$top=100 beside the bare routes;
 *   - the latency of GET /users?$filter=startswith(displayName,'Ad')&$top=100 (median of sequential calls);
 *   - the emulator's resident memory.
 * Goals (issue 3): /me at least 80% of bare Express; the filter median under 10 ms; RSS under 1 GB.
 */
const { values } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    samples: { type: "string", default: "300" },
  },
});
const USERS = Number(values.users);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const SAMPLES = Number(values.samples);
const ROUNDS = Number(values.rounds);

const dir = mkdtempSync(join(tmpdir(), "graph-emulator-bench-"));
const children: Child[] = [];

/** One autocannon run after a short warm-up; throws on any non-2xx answer. */
async function throughput(url: string, headers: Record<string, string>): Promise<{ rps: number; p50: number; p99: number }> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 1 });
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Alternates emulator and bare runs for ROUNDS rounds and reports the median
 * of each, so that load from other processes hits both sides alike.
 */
async function compare(name: string, emulator: [string, Record<string, string>], bare: string): Promise<{ emulator: number; bare: number }> {
  const runs: { emulator: number[]; bare: number[] } = { emulator: [], bare: [] };
  let last = { emulator: { p50: 0, p99: 0 }, bare: { p50: 0, p99: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    const e = await throughput(...emulator);
    const b = await throughput(bare, {});
    runs.emulator.push(e.rps);
    runs.bare.push(b.rps);
    last = { emulator: e, bare: b };
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const result = { emulator: median(runs.emulator), bare: median(runs.bare) };
  const line = (who: string, rps: number, all: number[], lat: { p50: number; p99: number }) =>
    `  ${`${who} ${name}`.padEnd(40)} ${rps.toFixed(0).padStart(6)} req/s (runs: ${all.map((x) => x.toFixed(0)).join(", ")})   last p50 ${lat.p50} ms, p99 ${lat.p99} ms`;
  console.log(line("emulator", result.emulator, runs.emulator, last.emulator));
  console.log(line("bare Express", result.bare, runs.bare, last.bare));
  return result;
}

async function main(): Promise<void> {
  console.log(`Seeding ${USERS} synthetic users...`);
  const fixture = join(dir, "tenant.json");
  const info = writeSyntheticTenant({ help: false, out: fixture, quiet: !process.stdout.isTTY, options: { ...SYNTHETIC_DEFAULTS, users: USERS } });

  const port = await freePort();
  const emu = await startChild("emulator/src/main.ts", ["--port", String(port), "--fixtures", fixture, "--in-memory", "--data-dir", dir], /Press Ctrl\+C/);
  children.push(emu);
  const base = `https://localhost:${port}`;
  console.log(`Emulator ready in ${(emu.startupMs / 1000).toFixed(1)} s with ${USERS} users (pid ${emu.process.pid})`);
  const call = httpsClient(join(dir, "ca.pem"));

  const token = async (params: Record<string, string>) => {
    const reply = await call(`${base}/${info.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: info.app.appId, client_secret: info.app.clientSecret, ...params }).toString(),
    });
    const body = JSON.parse(reply.body) as { access_token?: string };
    if (!body.access_token) throw new Error(`token: ${reply.body}`);
    return body.access_token;
  };
  const userToken = await token({ grant_type: "password", username: info.admin.userPrincipalName, password: info.admin.password, scope: "User.Read User.ReadBasic.All" });
  const appToken = await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" });
  const asUser = { authorization: `Bearer ${userToken}` };
  const asApp = { authorization: `Bearer ${appToken}` };

  // The bare app serves exactly what the emulator answered.
  const meReply = await call(`${base}/v1.0/me`, { headers: asUser });
  const usersReply = await call(`${base}/v1.0/users?$top=100`, { headers: asApp });
  if (meReply.status !== 200 || usersReply.status !== 200) throw new Error(`emulator answered ${meReply.status} / ${usersReply.status}`);
  writeFileSync(join(dir, "me.json"), meReply.body);
  writeFileSync(join(dir, "users.json"), usersReply.body);
  const barePort = await freePort();
  const bare = await startChild("bench/bare-server.ts", [String(barePort), join(dir, "server.pem"), join(dir, "server-key.pem"), join(dir, "me.json"), join(dir, "users.json")], /ready/);
  children.push(bare);
  const bareBase = `https://localhost:${barePort}`;

  console.log(`\nThroughput (${CONNECTIONS} connections, ${DURATION} s per run, median of ${ROUNDS} alternating runs, HTTPS keep-alive):`);
  const me = await compare("GET /v1.0/me", [`${base}/v1.0/me`, asUser], `${bareBase}/v1.0/me`);
  const list = await compare("GET /v1.0/users?$top=100", [`${base}/v1.0/users?$top=100`, asApp], `${bareBase}/v1.0/users`);

  console.log(`\nLatency of sequential requests (${SAMPLES} samples after 20 warm-up calls):`);
  const latency = async (name: string, path: string) => {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      const t0 = process.hrtime.bigint();
      const reply = await call(`${base}${path}`, { headers: asApp });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.body.slice(0, 300)}`);
      if (i >= 20) times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(58)} median ${percentile(times, 50).toFixed(2)} ms   p95 ${percentile(times, 95).toFixed(2)} ms`);
    return percentile(times, 50);
  };
  const filterMedian = await latency("GET /users?$filter=startswith(displayName,'Ad')&$top=100", "/v1.0/users?$filter=startswith(displayName,'Ad')&$top=100");
  await latency("GET /users/{userPrincipalName}", `/v1.0/users/${info.admin.userPrincipalName}`);
  await latency("GET /users?$filter=department eq 'Sales' and city eq 'Berlin'&$top=100", "/v1.0/users?$filter=department%20eq%20'Sales'%20and%20city%20eq%20'Berlin'&$top=100");

  const memory = memoryOf(emu.process.pid as number);
  console.log(`\nEmulator memory: RSS ${memory?.rssMiB.toFixed(0)} MiB (peak ${memory?.peakMiB.toFixed(0)} MiB) with ${USERS} users`);

  const ratio = me.emulator / me.bare;
  const goals: [string, boolean][] = [
    [`/me throughput ${(ratio * 100).toFixed(0)}% of bare Express (goal >= 80%)`, ratio >= 0.8],
    [`/users?$top=100 throughput ${((list.emulator / list.bare) * 100).toFixed(0)}% of bare Express (no goal)`, true],
    [`filter median ${filterMedian.toFixed(2)} ms (goal < 10 ms)`, filterMedian < 10],
    [`resident memory ${memory ? memory.rssMiB.toFixed(0) : "?"} MiB (goal < 1024 MiB)`, memory !== null && memory.rssMiB < 1024],
  ];
  console.log("\nGoals:");
  for (const [text, ok] of goals) console.log(`  ${ok ? "PASS" : "MISS"}  ${text}`);
}

main()
  .catch((err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  });
