import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { median } from "./report.ts";
import type { Scenario, Small } from "./scenarios.ts";
import { rsaSigningLimit, runWrk, wrkMissing, type WrkResult } from "./wrk.ts";

/**
 * The token endpoint's rate measured with wrk (one thread, little CPU of its own, so the
 * two cores go to the emulator's main thread and its signing threads), beside
 * the physical limit: RSA-2048 signatures per second on this machine's cores.
 * Before the runs, two tokens are checked: RS256, signed by the tenant's
 * published key, and not equal.
 */
export interface TokenRate {
  rounds: WrkResult[];
  rps: number;
  p50: number;
  p99: number;
  signing: { perCore: number; cores: number; total: number };
  /** rps / signing.total */
  ofSigningLimit: number;
}

export async function measureTokenRate(
  s: Small,
  sc: Scenario,
  opts: { rounds: number; durationS: number; warmupS: number; connections: number; log: (line: string) => void },
): Promise<TokenRate | { skipped: string }> {
  const missing = wrkMissing();
  if (missing) {
    opts.log(`  wrk: not measured (${missing})`);
    return { skipped: missing };
  }
  await checkTokens(s, sc);
  const req = { url: `${s.base}${sc.path}`, method: sc.method, headers: sc.headers, ...(sc.body !== undefined ? { body: sc.body } : {}) };
  // One wrk thread: it drives the 50 connections at this rate without being the limit (two threads
  // measured less, 2,784/s against 2,930-3,020/s, not more), and a second thread on a two-core
  // machine only takes CPU from the server it measures.
  const threads = 1;
  await runWrk(req, { connections: opts.connections, durationS: Math.max(1, Math.round(opts.warmupS)), threads });
  const rounds: WrkResult[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    const r = await runWrk(req, { connections: opts.connections, durationS: opts.durationS, threads });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`wrk: ${r.non2xx} answers other than 2xx and ${r.errors} socket errors from the token endpoint${r.firstFailure ? ` (first: ${r.firstFailure})` : ""}`);

    rounds.push(r);
    opts.log(`  round ${i + 1}  wrk          ${r.rps.toFixed(0).padStart(6)} tokens/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
  }
  // After the load, so the emulator's threads do not share the cores with it.
  const signing = rsaSigningLimit();
  const rps = median(rounds.map((r) => r.rps));
  const out: TokenRate = { rounds, rps, p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)), signing, ofSigningLimit: rps / signing.total };
  opts.log(
    `  => wrk: ${rps.toFixed(0)} tokens/s = ${(out.ofSigningLimit * 100).toFixed(0)}% of the RSA-2048 signing limit (${signing.perCore.toFixed(0)} signatures/s per core × ${signing.cores} cores = ${signing.total.toFixed(0)}/s)`,
  );
  return out;
}

/** Two tokens from the scenario's request: RS256, verified with the tenant's JWKS, different from each other. */
async function checkTokens(s: Small, sc: Scenario): Promise<void> {
  const tokens: string[] = [];
  for (let i = 0; i < 2; i++) {
    const reply = await s.call(`${s.base}${sc.path}`, { method: sc.method, headers: sc.headers, ...(sc.body !== undefined ? { body: sc.body } : {}) });
    const token = (JSON.parse(reply.body) as { access_token?: string }).access_token;
    if (reply.status !== 200 || !token) throw new Error(`token: ${reply.status} ${reply.body.slice(0, 300)}`);
    tokens.push(token);
  }
  const [a, b] = tokens as [string, string];
  if (a === b) throw new Error("the token endpoint answered the same token twice");
  const keysPath = sc.path.replace(/\/oauth2\/v2\.0\/token$/, "/discovery/v2.0/keys");
  const jwks = JSON.parse((await s.call(`${s.base}${keysPath}`, {})).body) as JSONWebKeySet;
  for (const token of tokens) {
    if (decodeProtectedHeader(token).alg !== "RS256") throw new Error("the token is not RS256");
    await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] });
  }
}
