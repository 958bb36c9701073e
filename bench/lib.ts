import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpsRequest, Agent } from "node:https";
import { createServer } from "node:net";

/** Small helpers for the benchmark: ports, child processes, HTTPS calls, memory. */

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The environment for child processes: this one without NODE_EXTRA_CA_CERTS.
 * Node reads that file at every start (~80 ms here for the system bundle some
 * sandboxes set); the emulator never needs it to start, so cold starts are
 * measured without it.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export interface Child {
  process: ChildProcess;
  /** Milliseconds from spawn until the ready line. */
  startupMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Children still running, so that an interrupted bench can stop them (see killChildren). */
const running = new Set<ChildProcess>();

/** Stops every child process the bench started and has not stopped yet (on Ctrl+C). */
export function killChildren(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.once("exit", () => {
        clearTimeout(timer);
        done();
      });
      child.kill("SIGTERM");
    });
}

/** Runs a TypeScript entry point under tsx and waits until its output matches `ready`. */
export function startChild(entry: string, args: string[], ready: RegExp, timeoutMs = 300_000): Promise<Child> {
  const started = Date.now();
  const child = track(spawn(process.execPath, ["--import", "tsx", entry, ...args], { stdio: ["ignore", "pipe", "pipe"], env: childEnv() }));
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready after ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve({ process: child, startupMs: Date.now() - started, output: () => log, stop: stopper(child) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${log}`));
    });
  });
}

/** One GET without keep-alive or certificate checks (loopback); resolves with the status, rejects on connection errors. */
export function rawGet(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: "GET", agent: false, rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Spawns `argv` and polls `healthUrl` every `pollMs` until it answers 200.
 * Resolves with the milliseconds from spawn to that answer and the child.
 */
export function spawnUntilHealthy(
  argv: string[],
  healthUrl: string,
  options: { pollMs?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ ms: number; child: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  const pollMs = options.pollMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const t0 = performance.now();
  const child = track(spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: options.env ?? childEnv(), cwd: options.cwd }));
  let log = "";
  child.stdout?.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("exit", (code) => fail(new Error(`${argv.join(" ")} exited with ${code} before answering:\n${log.slice(-2000)}`)));
    const attempt = () => {
      if (done) return;
      if (performance.now() - t0 > timeoutMs) return fail(new Error(`no answer from ${healthUrl} after ${timeoutMs} ms:\n${log.slice(-2000)}`));
      rawGet(healthUrl).then(
        (status) => {
          if (done) return;
          if (status === 200) {
            done = true;
            child.removeAllListeners("exit");
            resolve({ ms: performance.now() - t0, child, output: () => log, stop: stopper(child) });
          } else setTimeout(attempt, pollMs);
        },
        () => setTimeout(attempt, pollMs),
      );
    };
    attempt();
  });
}

/** Spawns a command and resolves with the milliseconds until it exits (0 expected). */
export function timeToExit(argv: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<number> {
  const t0 = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: "ignore", env });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${argv.join(" ")} exited with ${code}`))));
  });
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * HTTPS with keep-alive, trusting the given CA (PEM text or a file holding it)
 * or, without one, any certificate (loopback only).
 */
export function httpsClient(caPemOrFile?: string) {
  const ca = caPemOrFile === undefined || caPemOrFile.includes("-----BEGIN") ? caPemOrFile : readFileSync(caPemOrFile, "utf8");
  const agent = new Agent({ keepAlive: true, ...(ca ? { ca } : { rejectUnauthorized: false }) });
  const call = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers = init.body === undefined ? init.headers : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
      const req = httpsRequest(url, { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
        res.on("error", reject);
      });
      req.on("error", reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  return Object.assign(call, { close: () => agent.destroy() });
}

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
