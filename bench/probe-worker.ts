import { parentPort, workerData } from "node:worker_threads";
import { Agent, request } from "node:https";

/**
 * A worker thread that sends requests one after another over one keep-alive
 * HTTPS connection and times each from write to the last byte of the answer,
 * so the server's event loop (in the bench's main thread) never runs client
 * work. Optionally runs an untimed follow-up per request (e.g. DELETE what a
 * POST created), so a probe leaves the data as it found it.
 */
export interface ProbeSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Measured requests. */
  count: number;
  /** Unmeasured requests first (JIT, caches, connection). */
  warmup: number;
  /** The status every answer must have. */
  expectStatus: number;
  /** After each answer: DELETE `${cleanupBase}/${answer.id}` with the same headers (untimed). */
  cleanupBase?: string;
  /** The CA to trust; undefined accepts any certificate (loopback benchmark only). */
  ca?: string;
}

export interface ProbeResult {
  /** Milliseconds per measured request, in the order sent. */
  times: number[];
  /** Total wall time of the measured requests, ms. */
  wallMs: number;
}

interface Answer {
  status: number;
  body: string;
}

function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function probe(spec: ProbeSpec): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...(spec.ca ? { ca: spec.ca } : { rejectUnauthorized: false }) });
  const times: number[] = [];
  let wallMs = 0;
  try {
    for (let i = 0; i < spec.warmup + spec.count; i++) {
      const t0 = performance.now();
      const answer = await send(agent, spec.url, spec.method, spec.headers, spec.body);
      const ms = performance.now() - t0;
      if (answer.status !== spec.expectStatus) throw new Error(`${spec.method} ${spec.url}: ${answer.status} ${answer.body.slice(0, 300)}`);
      if (i >= spec.warmup) {
        times.push(ms);
        wallMs += ms;
      }
      if (spec.cleanupBase) {
        const id = (JSON.parse(answer.body) as { id?: string }).id;
        if (!id) throw new Error(`${spec.url}: the answer has no id to clean up`);
        const cleanup = await send(agent, `${spec.cleanupBase}/${encodeURIComponent(id)}`, "DELETE", spec.headers, undefined);
        if (cleanup.status >= 300) throw new Error(`cleanup DELETE ${id}: ${cleanup.status} ${cleanup.body.slice(0, 300)}`);
      }
    }
  } finally {
    agent.destroy();
  }
  return { times, wallMs };
}

if (parentPort && workerData && (workerData as { probe?: ProbeSpec }).probe) {
  const port = parentPort;
  probe((workerData as { probe: ProbeSpec }).probe).then(
    (result) => port.postMessage({ ok: true, result }),
    (err: unknown) => port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
}
