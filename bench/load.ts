import autocannon from "autocannon";
import type { ProbeResult, ProbeSpec } from "./probe-worker.ts";
import { tsWorker } from "./servers.ts";

/**
 * Load generation that stays off the servers' threads: autocannon runs in a
 * worker thread (its `workers` option), sequential probes in another worker;
 * each server has a worker thread of its own (servers.ts).
 */

export interface Request {
  url: string;
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Completed requests per second. */
  rps: number;
  /** Latency percentiles, ms (autocannon's histogram, whole milliseconds). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  durationS: number;
  /**
   * CPU time of the server's thread per request, µs: steadier than req/s
   * when other processes share the machine. NaN when not measured.
   */
  cpuUsPerRequest: number;
}

export class LoadError extends Error {}

/**
 * One autocannon run of `durationS` seconds at `connections` connections,
 * from one worker thread. Throws on any error or unexpected status.
 */
export async function load(req: Request, opts: { connections: number; durationS: number; cpuMs?: () => Promise<number> }): Promise<LoadResult> {
  const cpu0 = opts.cpuMs ? await opts.cpuMs() : NaN;
  const result = await autocannon({
    url: req.url,
    method: req.method ?? "GET",
    headers: req.headers ?? {},
    ...(req.body !== undefined ? { body: req.body } : {}),
    connections: opts.connections,
    duration: opts.durationS,
    workers: 1,
    timeout: 30,
  });
  const cpuMs = opts.cpuMs ? (await opts.cpuMs()) - cpu0 : NaN;
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {})
      .map(([code, s]) => `${code}×${(s as { count: number }).count}`)
      .join(", ");
    throw new LoadError(`${req.method ?? "GET"} ${req.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${codes})`);
  }
  const total = result.requests.total;
  const durationS = result.duration;
  return {
    rps: durationS > 0 ? total / durationS : 0,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: total,
    durationS,
    cpuUsPerRequest: total > 0 ? (cpuMs * 1000) / total : NaN,
  };
}

/** Runs a sequential probe in a worker thread (see probe-worker.ts). */
export function probeInWorker(spec: ProbeSpec): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const worker = tsWorker(new URL("./probe-worker.ts", import.meta.url), { probe: spec });
    let settled = false;
    worker.once("message", (msg: { ok: boolean; result?: ProbeResult; error?: string }) => {
      settled = true;
      if (msg.ok && msg.result) resolve(msg.result);
      else reject(new LoadError(msg.error ?? "probe failed"));
      void worker.terminate();
    });
    worker.once("error", (err) => {
      if (!settled) reject(err);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new LoadError(`probe worker exited with ${code}`));
    });
  });
}

export interface LatencySummary {
  count: number;
  /** Requests per second of the sequential run (one at a time). */
  rps: number;
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(result: ProbeResult): LatencySummary {
  const sorted = [...result.times].sort((a, b) => a - b);
  return {
    count: sorted.length,
    rps: result.wallMs > 0 ? (sorted.length * 1000) / result.wallMs : 0,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
