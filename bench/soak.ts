import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { seededRandom } from "../emulator/src/util/seeded-random.ts";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { freePort, memoryOf, percentile, startChild, type Child } from "./lib.ts";
import { median } from "./report.ts";

/**
 * npm run soak -- [--minutes 5] [--connections 4] [--seed 1] [--max-growth 10] [--out FILE]
 *
 * A bounded soak: starts ONE emulator (a child process, so its memory is
 * measured alone) on the bundled fixtures with in-memory state, then drives
 * mixed traffic from `--connections` closed-loop workers for `--minutes`:
 * token requests (client credentials, password, refresh token), /me, /users
 * queries, POST+DELETE /users, calendarView, POST+PATCH+DELETE /me/events,
 * getSchedule, and deliberately bad requests that must get their 4xx. What it
 * creates it deletes again, so the directory stays the same size.
 *
 * Every 10 s a progress line; at the end a summary, a verdict and a JSON file
 * (bench/results/soak-<timestamp>.json unless --out). The verdict fails (exit
 * code 1) on any error — a 5xx, a transport error (reset, timeout), or any
 * status other than the one expected — or when the emulator's resident memory
 * at the end is more than --max-growth percent above its level after the first
 * minute. Memory is compared on stable samples: every 10 s the emulator runs a
 * full garbage collection (a preload started with it answers SIGUSR2; the
 * emulator's code is unchanged) and its RSS is read right after; the level at
 * minute 1 is the median of those around it, the end level the median of the
 * last ones. (RSS under load follows the request rate, which other processes
 * on a shared machine change; after a full collection it follows what the
 * emulator keeps.) Runs shorter than 2 minutes report memory without judging
 * it. Traffic goes to 127.0.0.1 only.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    connections: { type: "string", default: "4" },
    seed: { type: "string", default: "1" },
    "max-growth": { type: "string", default: "10" },
    out: { type: "string" },
  },
});
const MINUTES = Number(values.minutes);
const CONNECTIONS = Number(values.connections);
const SEED = Number(values.seed);
const MAX_GROWTH_PCT = Number(values["max-growth"]);
if (!(MINUTES > 0) || !(MINUTES <= 24 * 60)) throw new Error(`--minutes must be a number above 0, not '${values.minutes}'`);
if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || CONNECTIONS > 256) throw new Error(`--connections must be an integer from 1 to 256, not '${values.connections}'`);
if (!Number.isFinite(SEED)) throw new Error(`--seed must be a number, not '${values.seed}'`);
if (!(MAX_GROWTH_PCT >= 0)) throw new Error(`--max-growth must be a percentage, not '${values["max-growth"]}'`);

const DURATION_MS = MINUTES * 60_000;
const PROGRESS_EVERY_MS = 10_000;
const SAMPLE_EVERY_MS = 2_000;
/** Memory is judged only on runs at least this long; the baseline is the level around minute 1. */
const JUDGE_MEMORY_FROM_MS = 120_000;
const BASELINE_AT_MS = 60_000;
const BASELINE_HALF_WINDOW_MS = 15_000;
const END_SAMPLES = 3;
const REQUEST_TIMEOUT_MS = 30_000;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(ROOT, "emulator", "src", "main.ts");

// ---- The fixture identities, read from the bundled Contoso file ----

interface FixtureTenant {
  id: string;
  defaultDomain: string;
  users: { id: string; userPrincipalName: string; password: string; accountEnabled?: boolean }[];
  applications: { appId: string; displayName: string; clientSecret: string }[];
}
const contoso = JSON.parse(readFileSync(join(ROOT, "fixtures", "tenants", "contoso.json"), "utf8")) as FixtureTenant;
const appNamed = (name: string) => {
  const app = contoso.applications.find((a) => a.displayName === name);
  if (!app) throw new Error(`fixtures/tenants/contoso.json has no application '${name}'`);
  return app;
};
const TENANT = contoso.id;
const DOMAIN = contoso.defaultDomain;
const DAEMON = appNamed("Contoso Calendar Daemon");
const WEB = appNamed("Contoso Web Portal");
const USERS = contoso.users.filter((u) => u.accountEnabled !== false);
const DELEGATED_SCOPES = "User.Read Calendars.ReadWrite offline_access openid";

// ---- HTTPS with keep-alive, trusting the emulator's CA (a small copy of bench/lib.ts's, with headers and a timeout) ----

interface Reply {
  status: number;
  body: string;
}
type Send = (method: string, path: string, init?: { headers?: Record<string, string>; body?: string }) => Promise<Reply>;

function client(base: string, ca: Buffer): { send: Send; agent: Agent } {
  const agent = new Agent({ keepAlive: true, ca, maxSockets: CONNECTIONS + 2 });
  const send: Send = (method, path, init = {}) =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(`${base}${path}`, { method, headers: init.headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  return { send, agent };
}

// ---- Counting ----

interface OpStats {
  count: number;
  errors: number;
  latencies: number[];
}
interface ErrorSample {
  atSec: number;
  op: string;
  kind: "5xx" | "transport" | "unexpected";
  detail: string;
}
const ops = new Map<string, OpStats>();
const errors = { server5xx: 0, transport: 0, unexpected: 0, samples: [] as ErrorSample[] };
let requests = 0;
let started = 0;
const errorCount = () => errors.server5xx + errors.transport + errors.unexpected;

class StepFailed extends Error {}

/**
 * Sends one request and checks its status. Anything else is counted as an
 * error (and the scenario stops there: later steps depend on this one).
 */
async function step(send: Send, op: string, expected: number[], method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const stats = ops.get(op) ?? { count: 0, errors: 0, latencies: [] };
  ops.set(op, stats);
  const t0 = performance.now();
  let reply: Reply;
  try {
    reply = await send(method, path, init);
  } catch (err) {
    record(stats, op, "transport", `${method} ${path}: ${(err as Error).message}`);
    throw new StepFailed();
  } finally {
    stats.count++;
    requests++;
    stats.latencies.push(performance.now() - t0);
  }
  if (reply.status >= 500) {
    record(stats, op, "5xx", `${method} ${path} -> ${reply.status} ${reply.body.slice(0, 300)}`);
    throw new StepFailed();
  }
  if (!expected.includes(reply.status)) {
    record(stats, op, "unexpected", `${method} ${path} -> ${reply.status} (expected ${expected.join(" or ")}) ${reply.body.slice(0, 300)}`);
    throw new StepFailed();
  }
  return reply;
}

function record(stats: OpStats, op: string, kind: ErrorSample["kind"], detail: string): void {
  stats.errors++;
  if (kind === "5xx") errors.server5xx++;
  else if (kind === "transport") errors.transport++;
  else errors.unexpected++;
  if (errors.samples.length < 20) errors.samples.push({ atSec: Math.round((Date.now() - started) / 1000), op, kind, detail });
}

// ---- The traffic ----

const form = (params: Record<string, string>) => ({
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(params).toString(),
});
const json = (token: string, body: unknown, extra: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...extra },
  body: JSON.stringify(body),
});
const bearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });
const TOKEN_PATH = `/${TENANT}/oauth2/v2.0/token`;

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
}

/** What one worker holds: its user's tokens; the app token is shared. */
interface Worker {
  id: number;
  user: (typeof USERS)[number];
  userToken: string;
  refreshToken: string;
  created: number;
}
const shared = { appToken: "" };

function tokens(reply: Reply): TokenBody {
  const body = JSON.parse(reply.body) as TokenBody;
  if (!body.access_token) throw new Error(`token answer without access_token: ${reply.body.slice(0, 200)}`);
  return body;
}

async function clientCredentials(send: Send): Promise<void> {
  const reply = await step(send, "token client_credentials", [200], "POST", TOKEN_PATH, form({
    grant_type: "client_credentials",
    client_id: DAEMON.appId,
    client_secret: DAEMON.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  }));
  shared.appToken = tokens(reply).access_token as string;
}

async function passwordGrant(send: Send, w: Worker): Promise<void> {
  const reply = await step(send, "token password", [200], "POST", TOKEN_PATH, form({
    grant_type: "password",
    client_id: WEB.appId,
    client_secret: WEB.clientSecret,
    username: w.user.userPrincipalName,
    password: w.user.password,
    scope: DELEGATED_SCOPES,
  }));
  const body = tokens(reply);
  w.userToken = body.access_token as string;
  w.refreshToken = body.refresh_token ?? w.refreshToken;
}

async function refreshGrant(send: Send, w: Worker): Promise<void> {
  const reply = await step(send, "token refresh_token", [200], "POST", TOKEN_PATH, form({
    grant_type: "refresh_token",
    client_id: WEB.appId,
    client_secret: WEB.clientSecret,
    refresh_token: w.refreshToken,
    scope: DELEGATED_SCOPES,
  }));
  const body = tokens(reply);
  w.userToken = body.access_token as string;
  w.refreshToken = body.refresh_token ?? w.refreshToken;
}

const FILTERS = [
  "$filter=startswith(displayName,'A')&$top=5&$select=id,displayName",
  "$filter=accountEnabled eq true&$top=3&$select=id,userPrincipalName,jobTitle",
  "$filter=startswith(userPrincipalName,'m')&$select=id,mail",
  "$top=2&$select=id,displayName,department",
];
const JUNE = (day: number, hour: number) => `2026-06-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00`;

/** One deliberately bad request with the status Microsoft answers it with. */
const BAD: ((send: Send, w: Worker) => Promise<unknown>)[] = [
  (send) => step(send, "bad: no token", [401], "GET", "/v1.0/me"),
  (send) => step(send, "bad: garbage token", [401], "GET", "/v1.0/me", bearer("not.a.token")),
  (send) => step(send, "bad: $filter syntax", [400], "GET", `/v1.0/users?${encodeURI("$filter=startswith(displayName,")}`, bearer(shared.appToken)),
  (send) => step(send, "bad: unknown user", [404], "GET", "/v1.0/users/00000000-0000-4000-8000-000000000000", bearer(shared.appToken)),
  (send, w) => step(send, "bad: malformed JSON", [400], "POST", "/v1.0/me/events", { headers: { authorization: `Bearer ${w.userToken}`, "content-type": "application/json" }, body: '{"subject": ' }),
  (send) => step(send, "bad: user without fields", [400], "POST", "/v1.0/users", json(shared.appToken, { displayName: "incomplete" })),
  (send) => step(send, "bad: unknown segment", [400], "GET", "/v1.0/nothingHere", bearer(shared.appToken)),
  (send) => step(send, "bad: wrong secret", [401], "POST", TOKEN_PATH, form({ grant_type: "client_credentials", client_id: DAEMON.appId, client_secret: "wrong", scope: "https://graph.microsoft.com/.default" })),
  (send, w) => step(send, "bad: wrong password", [400], "POST", TOKEN_PATH, form({ grant_type: "password", client_id: WEB.appId, client_secret: WEB.clientSecret, username: w.user.userPrincipalName, password: "wrong", scope: DELEGATED_SCOPES })),
  (send) => step(send, "bad: unknown tenant", [400], "POST", "/no-such-tenant.example/oauth2/v2.0/token", form({ grant_type: "client_credentials", client_id: DAEMON.appId, client_secret: DAEMON.clientSecret, scope: "https://graph.microsoft.com/.default" })),
  (send, w) => step(send, "bad: refresh token of another app", [400], "POST", TOKEN_PATH, form({ grant_type: "refresh_token", client_id: DAEMON.appId, client_secret: DAEMON.clientSecret, refresh_token: w.refreshToken })),
];

/** The mix: each scenario with its weight. */
const SCENARIOS: { weight: number; run: (send: Send, w: Worker, random: () => number) => Promise<void> }[] = [
  { weight: 1, run: (send) => clientCredentials(send) },
  { weight: 1, run: (send, w) => passwordGrant(send, w) },
  { weight: 2, run: (send, w) => refreshGrant(send, w) },
  { weight: 5, run: async (send, w) => void (await step(send, "GET /me", [200], "GET", "/v1.0/me", bearer(w.userToken))) },
  {
    weight: 4,
    run: async (send, _w, random) => {
      const q = FILTERS[Math.floor(random() * FILTERS.length)] as string;
      await step(send, "GET /users?$filter", [200], "GET", `/v1.0/users?${encodeURI(q)}`, bearer(shared.appToken));
    },
  },
  {
    weight: 1,
    run: async (send, w) => {
      const alias = `soak-${w.id}-${++w.created}`;
      const created = await step(send, "POST /users", [201], "POST", "/v1.0/users", json(shared.appToken, {
        accountEnabled: true,
        displayName: `Soak ${alias}`,
        mailNickname: alias,
        userPrincipalName: `${alias}@${DOMAIN}`,
        passwordProfile: { forceChangePasswordNextSignIn: false, password: "Soak!Passw0rd" },
      }));
      const id = (JSON.parse(created.body) as { id: string }).id;
      await step(send, "DELETE /users/{id}", [204], "DELETE", `/v1.0/users/${id}`, bearer(shared.appToken));
    },
  },
  {
    weight: 3,
    run: async (send, w, random) => {
      const day = 1 + Math.floor(random() * 28);
      const path = `/v1.0/me/calendarView?startDateTime=${JUNE(day, 0)}Z&endDateTime=${JUNE(day + 2, 0)}Z&$top=20`;
      await step(send, "GET calendarView", [200], "GET", path, bearer(w.userToken, { Prefer: 'outlook.timezone="Pacific Standard Time"' }));
    },
  },
  {
    weight: 2,
    run: async (send, w, random) => {
      const day = 1 + Math.floor(random() * 28);
      const hour = 8 + Math.floor(random() * 8);
      const created = await step(send, "POST /me/events", [201], "POST", "/v1.0/me/events", json(w.userToken, {
        subject: `Soak ${w.id}`,
        body: { contentType: "text", content: "Created by npm run soak; deleted again." },
        start: { dateTime: JUNE(day, hour), timeZone: "Pacific Standard Time" },
        end: { dateTime: JUNE(day, hour + 1), timeZone: "Pacific Standard Time" },
        location: { displayName: "Soak room" },
      }));
      const id = (JSON.parse(created.body) as { id: string }).id;
      await step(send, "PATCH /me/events/{id}", [200], "PATCH", `/v1.0/me/events/${encodeURIComponent(id)}`, json(w.userToken, { subject: `Soak ${w.id} (moved)`, showAs: "tentative" }));
      await step(send, "DELETE /me/events/{id}", [204], "DELETE", `/v1.0/me/events/${encodeURIComponent(id)}`, bearer(w.userToken));
    },
  },
  {
    weight: 1,
    run: async (send, w, random) => {
      const day = 1 + Math.floor(random() * 28);
      const others = USERS.filter((u) => u.id !== w.user.id).slice(0, 3).map((u) => u.userPrincipalName);
      await step(send, "POST getSchedule", [200], "POST", "/v1.0/me/calendar/getSchedule", json(w.userToken, {
        schedules: others,
        startTime: { dateTime: JUNE(day, 8), timeZone: "Pacific Standard Time" },
        endTime: { dateTime: JUNE(day, 17), timeZone: "Pacific Standard Time" },
        availabilityViewInterval: 60,
      }));
    },
  },
  {
    weight: 2,
    run: async (send, w, random) => {
      const bad = BAD[Math.floor(random() * BAD.length)] as (typeof BAD)[number];
      await bad(send, w);
    },
  },
];
const TOTAL_WEIGHT = SCENARIOS.reduce((n, s) => n + s.weight, 0);

function pick(random: () => number): (typeof SCENARIOS)[number] {
  let r = random() * TOTAL_WEIGHT;
  for (const s of SCENARIOS) if ((r -= s.weight) < 0) return s;
  return SCENARIOS[SCENARIOS.length - 1] as (typeof SCENARIOS)[number];
}

// ---- State and memory ----

/** Array lengths of the Contoso tenant's state (users, events, refresh tokens, ...), from the control plane's snapshot. */
async function stateCounts(send: Send): Promise<Record<string, number>> {
  const reply = await send("GET", "/_emulator/snapshot");
  if (reply.status !== 200) throw new Error(`GET /_emulator/snapshot -> ${reply.status}`);
  const state = JSON.parse(reply.body) as { tenants: Record<string, unknown>[] };
  const tenant = state.tenants.find((t) => t.id === TENANT) ?? {};
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(tenant)) if (Array.isArray(value)) counts[key] = value.length;
  return counts;
}

interface Sample {
  atSec: number;
  rssMiB: number;
}
/** A sample right after a full garbage collection in the emulator. */
interface StableSample extends Sample {
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

/**
 * Preloaded into the emulator (NODE_OPTIONS --import) for the soak only: on
 * SIGUSR2 it runs a full garbage collection and prints the memory after it.
 */
const GC_PRELOAD = `import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
process.on("SIGUSR2", () => {
  gc();
  const m = process.memoryUsage();
  process.stderr.write("soak-memory " + JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }) + "\\n");
});
process.stderr.write("soak-memory ready\\n");
`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks the emulator for a full collection and reads its memory right after (undefined if it does not answer). */
async function stableSample(emu: Child): Promise<StableSample | undefined> {
  if (!emu.output().includes("soak-memory ready") || emu.process.exitCode !== null) return undefined;
  const from = emu.output().length;
  emu.process.kill("SIGUSR2");
  for (let waited = 0; waited < 5_000; waited += 20) {
    await sleep(20);
    const m = /soak-memory (\{[^\n]*\})\n/.exec(emu.output().slice(from));
    if (m) {
      const { rss, heapUsed, heapTotal, external } = JSON.parse(m[1] as string) as Record<string, number>;
      const toMiB = (bytes: number | undefined) => (bytes ?? NaN) / 2 ** 20;
      return { atSec: (Date.now() - started) / 1000, rssMiB: toMiB(rss), heapUsedMiB: toMiB(heapUsed), heapTotalMiB: toMiB(heapTotal), externalMiB: toMiB(external) };
    }
  }
  return undefined;
}
const mib = (x: number) => `${x.toFixed(1)} MiB`;

// ---- The run ----

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "graph-emulator-soak-"));
  let emu: Child | undefined;
  const stopAll = async () => {
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // However the run ends, the emulator and its folder go with it.
  process.once("exit", () => {
    if (emu && emu.process.exitCode === null && emu.process.signalCode === null) emu.process.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  try {
    const port = await freePort();
    const preload = join(dir, "soak-gc-preload.mjs");
    writeFileSync(preload, GC_PRELOAD);
    // startChild passes this process's environment on; the preload is for the emulator alone.
    const nodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${nodeOptions ?? ""} --import=${pathToFileURL(preload).href}`.trim();
    try {
      emu = await startChild(MAIN, ["--port", String(port), "--host", "127.0.0.1", "--in-memory", "--data-dir", dir], /Press Ctrl\+C/, 120_000);
    } finally {
      if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = nodeOptions;
    }
    const child = emu;
    const pid = emu.process.pid as number;
    let exited: string | undefined;
    emu.process.once("exit", (code, signal) => (exited = `the emulator exited (${signal ?? code}) during the run`));
    const { send, agent } = client(`https://localhost:${port}`, readFileSync(join(dir, "ca.pem")));
    console.log(`Emulator ready in ${(emu.startupMs / 1000).toFixed(1)} s (pid ${pid}, in-memory, bundled fixtures).`);
    console.log(`Soak: ${MINUTES} min, ${CONNECTIONS} connections, seed ${SEED}; ${USERS.length} users, tenant ${TENANT}.`);

    // Setup through the control plane: the Web Portal gets tenant-wide consent (the fixtures leave it
    // unconsented), and the daemon may also write users (for POST/DELETE /users).
    const setup = async (method: string, path: string, body: unknown) => {
      const reply = await send(method, path, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (reply.status >= 300) throw new Error(`setup ${method} ${path} -> ${reply.status} ${reply.body}`);
    };
    await setup("POST", `/_emulator/tenants/${TENANT}/consents`, { clientId: WEB.appId, consentType: "AllPrincipals", scopes: ["User.Read", "Calendars.ReadWrite"] });
    await setup("PATCH", `/_emulator/tenants/${TENANT}/servicePrincipals/${DAEMON.appId}`, { appRoleAssignments: ["User.Read.All", "User.ReadWrite.All", "Calendars.ReadWrite"] });

    started = Date.now();
    await clientCredentials(send);
    const workers: Worker[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const w: Worker = { id: i, user: USERS[i % USERS.length] as (typeof USERS)[number], userToken: "", refreshToken: "", created: 0 };
      await passwordGrant(send, w);
      workers.push(w);
    }
    const stateAtStart = await stateCounts(send);
    let stateAtBaseline: Record<string, number> | undefined;

    const samples: Sample[] = [];
    const stable: StableSample[] = [];
    const sample = () => {
      const m = memoryOf(pid);
      if (m) samples.push({ atSec: (Date.now() - started) / 1000, rssMiB: m.rssMiB });
    };
    const takeStable = async () => {
      const s = await stableSample(child);
      if (s) stable.push(s);
      return s;
    };
    sample();
    await takeStable();
    const sampler = setInterval(() => {
      sample();
      const at = Date.now() - started;
      if (!stateAtBaseline && at >= BASELINE_AT_MS) void stateCounts(send).then((c) => (stateAtBaseline = c), () => undefined);
    }, SAMPLE_EVERY_MS);
    let lastRequests = 0;
    let lastAt = started;
    let printing: Promise<void> = Promise.resolve();
    const progress = setInterval(() => {
      printing = takeStable().then((s) => {
        const now = Date.now();
        const rss = samples.at(-1)?.rssMiB ?? NaN;
        const recent = ((requests - lastRequests) * 1000) / (now - lastAt);
        lastRequests = requests;
        lastAt = now;
        console.log(
          `[${String(Math.round((now - started) / 1000)).padStart(4)} s] requests ${String(requests).padStart(7)}  ${((requests * 1000) / (now - started)).toFixed(0).padStart(5)} req/s (last 10 s: ${recent.toFixed(0).padStart(4)})  errors ${errorCount()}  RSS ${mib(rss)}${s ? ` (after GC ${mib(s.rssMiB)}, heap ${mib(s.heapUsedMiB)})` : ""}`,
        );
      });
    }, PROGRESS_EVERY_MS);

    const deadline = started + DURATION_MS;
    await Promise.all(
      workers.map(async (w) => {
        const random = seededRandom(SEED * 1000 + w.id);
        while (Date.now() < deadline && !exited) {
          try {
            await pick(random).run(send, w, random);
          } catch (err) {
            if (!(err instanceof StepFailed)) {
              record({ count: 0, errors: 0, latencies: [] }, "client", "unexpected", (err as Error).message);
            }
          }
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    clearInterval(progress);
    clearInterval(sampler);
    await printing;
    sample();
    await takeStable();
    if (exited) record({ count: 0, errors: 0, latencies: [] }, "emulator", "transport", exited);
    const stateAtEnd = exited ? {} : await stateCounts(send);
    agent.destroy();

    // ---- Verdict ----
    const rpsAll = (requests * 1000) / elapsedMs;
    // Stable samples (after a full collection) when the emulator answers them; RSS under load otherwise.
    const judgedOn: Sample[] = stable.length >= 2 ? stable : samples;
    const basis = judgedOn === stable ? "after a full GC" : "under load (the emulator did not answer GC requests)";
    const around = judgedOn.filter((s) => Math.abs(s.atSec * 1000 - BASELINE_AT_MS) <= BASELINE_HALF_WINDOW_MS);
    const baselineMiB = median(around.map((s) => s.rssMiB));
    const endSamples = judgedOn.slice(-END_SAMPLES);
    const endMiB = median(endSamples.map((s) => s.rssMiB));
    const peakMiB = Math.max(...samples.map((s) => s.rssMiB));
    const growthPct = ((endMiB - baselineMiB) / baselineMiB) * 100;
    const heapAround = median(stable.filter((s) => Math.abs(s.atSec * 1000 - BASELINE_AT_MS) <= BASELINE_HALF_WINDOW_MS).map((s) => s.heapUsedMiB));
    const heapEnd = median(stable.slice(-END_SAMPLES).map((s) => s.heapUsedMiB));
    const judged = elapsedMs >= JUDGE_MEMORY_FROM_MS && around.length > 0;
    const memoryOk = !judged || growthPct <= MAX_GROWTH_PCT;
    const stateChanged = Object.entries(stateAtStart).filter(([k, n]) => stateAtEnd[k] !== undefined && stateAtEnd[k] !== n);
    const reasons: string[] = [];
    if (errorCount() > 0) reasons.push(`${errorCount()} errors`);
    if (!memoryOk) reasons.push(`RSS grew ${growthPct.toFixed(1)}% after minute 1 (limit ${MAX_GROWTH_PCT}%)`);
    const pass = reasons.length === 0;

    const opRows = [...ops].map(([name, s]) => {
      const sorted = [...s.latencies].sort((a, b) => a - b);
      return { name, count: s.count, errors: s.errors, p50Ms: Number(percentile(sorted, 50).toFixed(2)), p99Ms: Number(percentile(sorted, 99).toFixed(2)) };
    });
    console.log(`\nSoak summary (${(elapsedMs / 60_000).toFixed(2)} min, ${CONNECTIONS} connections, seed ${SEED})`);
    console.log(`  requests   ${requests}  (${rpsAll.toFixed(0)} req/s)`);
    console.log(`  errors     ${errorCount()}  (5xx ${errors.server5xx}, transport ${errors.transport}, unexpected status ${errors.unexpected})`);
    for (const e of errors.samples) console.log(`    at ${e.atSec} s, ${e.op}, ${e.kind}: ${e.detail}`);
    console.log("  per operation:");
    for (const r of opRows) console.log(`    ${r.name.padEnd(36)} ${String(r.count).padStart(7)}  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  p99 ${r.p99Ms.toFixed(1).padStart(6)} ms${r.errors ? `  errors ${r.errors}` : ""}`);
    const at = (xs: readonly Sample[]) => xs.map((x) => `${Math.round(x.atSec)}`).join(", ");
    const underLoad = (from: number, to: number) => median(samples.filter((x) => x.atSec >= from && x.atSec <= to).map((x) => x.rssMiB));
    console.log(`  RSS        ${basis}: start ${mib(judgedOn[0]?.rssMiB ?? NaN)}, at 1 min ${around.length ? `${mib(baselineMiB)} (median at ${at(around)} s)` : "n/a (run shorter than 1 min)"}, end ${mib(endMiB)} (median at ${at(endSamples)} s)`);
    if (stable.length) console.log(`             JS heap after GC: at 1 min ${mib(heapAround)}, end ${mib(heapEnd)}`);
    console.log(`             under load: at 1 min ${mib(underLoad(45, 75))}, last 10 s ${mib(underLoad(elapsedMs / 1000 - 10, elapsedMs / 1000))}, peak ${mib(peakMiB)}`);
    console.log(`  growth     ${judged ? `${growthPct >= 0 ? "+" : ""}${growthPct.toFixed(1)}% from 1 min to end (limit ${MAX_GROWTH_PCT}%)` : "not judged (runs shorter than 2 min are still warming up)"}`);
    const fmtState = (c: Record<string, number> | undefined) => (c ? Object.entries(c).map(([k, n]) => `${k} ${n}`).join(", ") : "n/a");
    console.log(`  state      start: ${fmtState(stateAtStart)}`);
    if (stateAtBaseline) console.log(`             1 min: ${fmtState(stateAtBaseline)}`);
    console.log(`             end:   ${fmtState(stateAtEnd)}`);
    if (stateChanged.length) console.log(`             changed: ${stateChanged.map(([k, n]) => `${k} ${n} -> ${stateAtEnd[k]}`).join(", ")}`);
    console.log(`  verdict    ${pass ? "PASS" : "FAIL"}${pass ? "" : `: ${reasons.join("; ")}`}`);

    const out = values.out ?? join(ROOT, "bench", "results", `soak-${new Date(started).toISOString().replace(/[:.]/g, "-")}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          startedAt: new Date(started).toISOString(),
          options: { minutes: MINUTES, connections: CONNECTIONS, seed: SEED, maxGrowthPct: MAX_GROWTH_PCT },
          elapsedSec: elapsedMs / 1000,
          requests,
          requestsPerSecond: Number(rpsAll.toFixed(1)),
          errors: { total: errorCount(), server5xx: errors.server5xx, transport: errors.transport, unexpected: errors.unexpected, samples: errors.samples },
          operations: opRows,
          memory: {
            judged,
            basis,
            baselineMiB,
            endMiB,
            peakMiB,
            growthPct: judged ? Number(growthPct.toFixed(2)) : null,
            heapAfterGcMiB: { atOneMinute: heapAround, end: heapEnd },
            stableSamples: stable.map((s) => ({
              atSec: Number(s.atSec.toFixed(1)),
              rssMiB: Number(s.rssMiB.toFixed(1)),
              heapUsedMiB: Number(s.heapUsedMiB.toFixed(1)),
              heapTotalMiB: Number(s.heapTotalMiB.toFixed(1)),
              externalMiB: Number(s.externalMiB.toFixed(1)),
            })),
            samples: samples.map((s) => ({ atSec: Number(s.atSec.toFixed(1)), rssMiB: Number(s.rssMiB.toFixed(1)) })),
          },
          state: { start: stateAtStart, atOneMinute: stateAtBaseline ?? null, end: stateAtEnd },
          verdict: { pass, reasons },
        },
        null,
        2,
      )}\n`,
    );
    console.log(`  results    ${relative(process.cwd(), out) || out}`);
    if (errorCount() > 0 && emu) console.log(`\nEmulator output (last 3000 characters):\n${emu.output().slice(-3000)}`);
    await stopAll();
    process.exitCode = pass ? 0 : 1;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error("soak failed:", err instanceof Error ? err.stack : err);
  process.exit(1);
});
