import { AdminClient } from "../emulator/src/admin/admin-client.ts";
import { caFetch, MicrosoftFunctions, PostgresTokenStore, RedisTokenStore, generateEncryptionKey, type StoredUser, type TokenStore } from "../client/src/index.ts";
import { FormBrowser, parseForms } from "../test/support/browser.ts";
import { postgresUnavailable, redisUnavailable, startPostgres, startRedis, type ThrowawayServer } from "../test/support/db-servers.ts";
import { timingRow, type Goal, type TimingRow } from "./report.ts";
import { CONTOSO, startSmall } from "./scenarios.ts";

/**
 * The client's shared token stores on throwaway PostgreSQL and Redis servers:
 * read (getUser) and write (putUser) latency with 100,000 users stored, and a
 * renewal sweep over 10,000 due users against the emulator (in a worker thread).
 */
export interface TokenStoreBenchOptions {
  users: number;
  samples: number;
  sweepUsers: number;
  concurrency: number;
  log: (line?: string) => void;
}

export interface TokenStoreBenchResult {
  timings: TimingRow[];
  goals: Goal[];
  notes: string[];
}

const ADELE = { upn: "AdeleV@contoso.onmicrosoft.com", password: "Passw0rd!" };
const REDIRECT = "http://localhost:3000/callback";

const KINDS = [
  { kind: "redis", title: "Redis", limitMs: 1, unavailable: redisUnavailable, start: startRedis },
  { kind: "postgres", title: "PostgreSQL", limitMs: 3, unavailable: postgresUnavailable, start: startPostgres },
] as const;

async function connect(kind: "redis" | "postgres", url: string, name: string, key: string): Promise<TokenStore> {
  return kind === "redis" ? RedisTokenStore.connect(url, { encryptionKey: key, keyPrefix: `${name}:` }) : PostgresTokenStore.connect(url, { encryptionKey: key, table: name, pool: { max: 16 } });
}

/** Runs `fn(i)` for i in [0, n) with at most `limit` at once. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function timeEach(samples: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function measureTokenStores(o: TokenStoreBenchOptions): Promise<TokenStoreBenchResult> {
  const result: TokenStoreBenchResult = { timings: [], goals: [], notes: [] };
  const available = KINDS.filter((k) => {
    const why = k.unavailable();
    if (why) {
      o.log(`  ${k.title}: skipped, ${why}`);
      result.notes.push(`${k.title}: ${why}`);
      const skip = { status: "SKIP" as const, measured: "not measured", why };
      result.goals.push({ id: `${k.kind}-store-p50`, text: `${k.title} token store read and write p50 < ${k.limitMs} ms (${o.users.toLocaleString("en")} users)`, ...skip });
      result.goals.push({ id: `${k.kind}-sweep`, text: `renewal sweep over ${o.sweepUsers.toLocaleString("en")} due users (${k.title}), users/s reported`, ...skip });
    }
    return !why;
  });
  if (available.length === 0) return result;

  const small = await startSmall({ baselines: false });
  const admin = new AdminClient(small.base, small.emulator.caCert as string);
  try {
    const app = await admin.createApplication(CONTOSO, { displayName: "Token store bench", redirectUris: [REDIRECT], delegatedPermissions: ["User.Read"], adminConsent: true });
    const settings = {
      tenantId: CONTOSO,
      clientId: app.appId,
      clientSecret: app.clientSecret as string,
      redirectUri: REDIRECT,
      authorityHost: small.base,
      graphBaseUrl: `${small.base}/v1.0`,
      caCertificate: small.emulator.caCert as string,
      renewal: { renewAfterDays: 30 },
    };
    for (const k of available) {
      const server: ThrowawayServer = await k.start();
      try {
        const key = generateEncryptionKey();
        // One real sign-in; its record (a real MSAL cache with a refresh token) is the template for every user.
        const signInStore = await connect(k.kind, server.url, "bench_signin", key);
        const template = await signIn(new MicrosoftFunctions(settings, { tokenStore: signInStore }), small.base, signInStore, small.emulator.caCert as string);
        await signInStore.close?.();
        o.log(`\n${k.title} token store (throwaway server ${server.url}; a record is ${template.cache.length.toLocaleString("en")} characters of MSAL cache before encryption)`);

        const store = await connect(k.kind, server.url, "bench_users", key);
        const t0 = performance.now();
        await pool(o.users, 64, (i) => store.putUser({ ...template, userId: `user-${i}` }));
        o.log(`  stored ${o.users.toLocaleString("en")} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        const pick = (i: number) => `user-${(i * 7919) % o.users}`;
        await timeEach(200, (i) => store.getUser(pick(i)));
        const reads = await timeEach(o.samples, (i) => store.getUser(pick(i + 200)));
        const writes = await timeEach(o.samples, (i) => store.putUser({ ...template, userId: pick(i + 400) }));
        const updates = await timeEach(o.samples, (i) => store.updateUser(pick(i + 600), (u) => ({ ...u, refreshedAt: new Date().toISOString() })));
        const rows = [
          timingRow(`${k.title}: getUser (read)`, "ms", reads, `${o.users.toLocaleString("en")} users stored, sequential`),
          timingRow(`${k.title}: putUser (write)`, "ms", writes, "sequential"),
          timingRow(`${k.title}: updateUser (read + compare-and-set)`, "ms", updates, "sequential"),
        ];
        for (const r of rows) o.log(`  ${r.name.padEnd(48)} p50 ${r.median.toFixed(3)} ms  (min ${r.min.toFixed(3)}, max ${r.max.toFixed(1)}, ${o.samples} samples)`);
        result.timings.push(...rows);
        const worst = Math.max(rows[0]!.median, rows[1]!.median);
        result.goals.push({
          id: `${k.kind}-store-p50`,
          text: `${k.title} token store read and write p50 < ${k.limitMs} ms (${o.users.toLocaleString("en")} users)`,
          status: worst < k.limitMs ? "PASS" : "MISS",
          measured: `read ${rows[0]!.median.toFixed(3)} ms, write ${rows[1]!.median.toFixed(3)} ms`,
        });
        await store.close?.();

        // The sweep: its own table or prefix holding exactly the due users.
        const sweepStore = await connect(k.kind, server.url, "bench_sweep", key);
        const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
        await pool(o.sweepUsers, 64, (i) => sweepStore.putUser({ ...template, userId: `due-${i}`, refreshedAt: old }));
        const client = new MicrosoftFunctions(settings, { tokenStore: sweepStore });
        await admin.clearRequests();
        const s0 = performance.now();
        let lastShown = 0;
        const report = await client.renewRefreshTokens({
          concurrency: o.concurrency,
          onProgress: (done, total) => {
            if (done === total || performance.now() - lastShown > 2000) {
              lastShown = performance.now();
              const s = (performance.now() - s0) / 1000;
              o.log(`  sweep: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} users, ${(done / s).toFixed(0)} users/s`);
            }
          },
        });
        const seconds = (performance.now() - s0) / 1000;
        const rate = report.renewed.length / seconds;
        const tokenRequests = await admin.countRequests({ area: "identity", path: "/oauth2/v2.0/token", clientId: app.appId });
        o.log(`  sweep: ${report.renewed.length.toLocaleString("en")} renewed, ${report.failed.length} failed in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} users/s (concurrency ${o.concurrency}; ${tokenRequests.toLocaleString("en")} token requests in the emulator's journal)`);
        for (const f of report.failed.slice(0, 3)) o.log(`  failed: ${f.userId} ${f.code}: ${f.message}`);
        result.timings.push(timingRow(`${k.title}: renewal sweep, ${o.sweepUsers.toLocaleString("en")} due users`, "ms", [seconds * 1000], `${rate.toFixed(0)} users/s, concurrency ${o.concurrency}`));
        result.goals.push({
          id: `${k.kind}-sweep`,
          text: `renewal sweep over ${o.sweepUsers.toLocaleString("en")} due users (${k.title}), users/s reported`,
          status: report.renewed.length === o.sweepUsers && report.failed.length === 0 ? "PASS" : "MISS",
          measured: `${rate.toFixed(0)} users/s, ${report.renewed.length} renewed, ${report.failed.length} failed${report.failed[0] ? ` (${report.failed[0].code})` : ""}`,
        });
        await sweepStore.close?.();
      } finally {
        await server.stop();
      }
    }
  } finally {
    await small.close();
  }
  return result;
}

/** Signs Adele in through the emulator's pages and returns her stored record. */
async function signIn(client: MicrosoftFunctions, base: string, store: TokenStore, caCert: string): Promise<StoredUser> {
  const { url } = await client.signIn.getSignInUrl({ userId: "template" });
  // The form browser uses the global fetch: for these few requests, one that trusts the emulator's CA.
  const globalFetch = globalThis.fetch;
  globalThis.fetch = caFetch(caCert) as typeof fetch;
  try {
    const browser = new FormBrowser(base);
    let step = await browser.signIn(await browser.get(url), ADELE.upn, ADELE.password);
    if (step.status === 200 && parseForms(step.html).some((f) => f.buttons.some((b) => b.name === "consent"))) step = await browser.consent(step, true, false);
    await client.signIn.handleRedirect(step.location as string);
  } finally {
    globalThis.fetch = globalFetch;
  }
  const user = await store.getUser("template");
  if (!user) throw new Error("the bench's sign-in stored no user");
  return user;
}
