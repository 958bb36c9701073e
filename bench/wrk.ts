import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * wrk (Debian's package) as a second load generator: written in C, it costs a
 * fraction of the CPU autocannon does, which matters where the server and the
 * load share two cores and the server's own work is mostly CPU (RS256
 * signing). A Lua script gives it the method, headers and body.
 */
export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx or 3xx, and socket errors: both must be 0 for a valid run. */
  non2xx: number;
  /** The status and start of the body of the first failed answer. */
  firstFailure?: string;
  errors: number;
}

/** Why wrk cannot run here, or undefined when it can. */
export function wrkMissing(): string | undefined {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (probe.error) return "wrk is not installed (Debian: apt-get install wrk)";
  return /wrk/i.test(`${probe.stdout}${probe.stderr}`) ? undefined : "wrk --version printed nothing recognisable";
}

/** A Lua long string that the text cannot close early. */
function luaString(text: string): string {
  let level = "";
  while (text.includes(`]${level}]`)) level += "=";
  return `[${level}[${text}]${level}]`;
}

/** wrk's durations: "512.00us", "25.45ms", "1.02s", "2.00m" → ms. */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

export async function runWrk(req: { url: string; method: string; headers: Record<string, string>; body?: string }, opts: { connections: number; durationS: number; threads?: number }): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), "graph-emulator-wrk-"));
  try {
    const script = join(dir, "request.lua");
    const lines = [`wrk.method = ${luaString(req.method)}`, ...Object.entries(req.headers).map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)];
    if (req.body !== undefined) lines.push(`wrk.body = ${luaString(req.body)}`);
    // The first answer that is not 2xx or 3xx, printed once per thread, so a failed run says why.
    lines.push("local told = false", "response = function(status, headers, body)", "  if status >= 400 and not told then told = true print('first-failure: ' .. status .. ' ' .. string.sub(body, 1, 300)) end", "end");
    writeFileSync(script, `${lines.join("\n")}\n`);
    const args = [`-t${opts.threads ?? 2}`, `-c${opts.connections}`, `-d${opts.durationS}s`, "--latency", "-s", script, req.url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString("utf8")));
      child.stderr.on("data", (d: Buffer) => (text += d.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text.slice(0, 400)}`))));
    });
    // wrk reports a script it cannot load and then sends plain GETs: that run measures nothing.
    if (out.includes(`${script}:`)) throw new Error(`wrk could not load its script: ${out.split("\n")[0] ?? ""}`);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    const errorsLine = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = errorsLine ? errorsLine.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    const result: WrkResult = {
      rps,
      p50: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ""),
      p99: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ""),
      requests,
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
      errors,
    };
    const failure = /^first-failure: (.*)$/m.exec(out)?.[1];
    if (failure) result.firstFailure = failure;
    if (!Number.isFinite(rps)) throw new Error(`wrk printed no rate: ${out.slice(0, 400)}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The physical limit beside the token rate: RSA-2048 PKCS#1 v1.5 signatures
 * (RS256) one core makes in a second with node:crypto (what `openssl speed
 * rsa2048` reports), times the cores.
 */
export function rsaSigningLimit(durationMs = 1000): { perCore: number; cores: number; total: number } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // About the size of an access token's header and payload.
  const input = Buffer.alloc(900, "x");
  for (let i = 0; i < 20; i++) sign("sha256", input, privateKey);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    sign("sha256", input, privateKey);
    n++;
  }
  const perCore = (n * 1000) / (performance.now() - t0);
  const cores = availableParallelism();
  return { perCore, cores, total: perCore * cores };
}
