import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpsRequest, Agent } from "node:https";
import { createServer } from "node:net";

/** Small helpers for the benchmark: ports, child servers, HTTPS calls that trust the emulator's CA, memory. */

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

export interface Child {
  process: ChildProcess;
  /** Milliseconds from spawn until the ready line. */
  startupMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry point under tsx and waits until its output matches `ready`. */
export function startChild(entry: string, args: string[], ready: RegExp, timeoutMs = 300_000): Promise<Child> {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready after ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve({
          process: child,
          startupMs: Date.now() - started,
          output: () => log,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
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

export interface Reply {
  status: number;
  body: string;
}

/** HTTPS with keep-alive, trusting the given CA. */
export function httpsClient(caFile: string) {
  const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile) });
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      if (init.body) req.write(init.body);
      req.end();
    });
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

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
