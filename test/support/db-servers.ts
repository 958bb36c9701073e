import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Throwaway PostgreSQL and Redis servers for tests and the bench: a temporary
 * data dir and a free loopback port each, stopped and deleted afterwards.
 * Never a shared or system instance.
 */

export interface ThrowawayServer {
  url: string;
  port: number;
  /** Kills the server and deletes its data. */
  stop(): Promise<void>;
}

/** Debian's PostgreSQL binaries live in /usr/lib/postgresql/<version>/bin; else initdb on PATH. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? join(found, "..") : undefined;
}

export function redisServerBin(): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return "PostgreSQL binaries not installed (apt-get install postgresql)";
  if (process.getuid?.() === 0 && !postgresUser()) return "running as root without a postgres user to run PostgreSQL as";
  return undefined;
}
export function redisUnavailable(): string | undefined {
  return redisServerBin() ? undefined : "redis-server not installed (apt-get install redis-server)";
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user Debian's package creates. */
function postgresUser(): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const u = id("-u");
  const g = id("-g");
  if (u.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function track(child: ChildProcess, name: string, log: string[]): void {
  running.add(child);
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  child.once("exit", () => running.delete(child));
  child.once("error", (e) => log.push(`${name}: ${e.message}`));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitUntil(ready: () => Promise<boolean>, child: ChildProcess, what: string, log: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${log.join("").slice(-2000)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start within 30 s: ${log.join("").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A started server once `ready` says it answers: stopped with `stopSignal` and its folder removed
 * by stop(), or at once (killed, folder removed) when it never becomes ready.
 */
async function served(
  server: { child: ChildProcess; dir: string; port: number; url: string; name: string; log: string[]; stopSignal: NodeJS.Signals },
  ready: () => Promise<boolean>,
): Promise<ThrowawayServer> {
  const { child, dir } = server;
  try {
    await waitUntil(ready, child, server.name, server.log);
  } catch (err) {
    await stopChild(child, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: server.url,
    port: server.port,
    async stop() {
      await stopChild(child, server.stopSignal);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** initdb + postgres on a free port (trust authentication on loopback only, no fsync: test data). */
export async function startPostgres(): Promise<ThrowawayServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailable());
  const asUser = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), "msfn-pg-"));
  if (asUser) chownSync(dir, asUser.uid, asUser.gid);
  const data = join(dir, "data");
  const ids = asUser ? { uid: asUser.uid, gid: asUser.gid } : {};
  const init = spawnSync(join(bin, "initdb"), ["-D", data, "-U", "test", "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"], { ...ids, encoding: "utf8" });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const log: string[] = [];
  const args = ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"];
  const child = spawn(join(bin, "postgres"), args, { ...ids, stdio: ["ignore", "pipe", "pipe"] });
  track(child, "postgres", log);
  const url = `postgres://test@127.0.0.1:${port}/postgres`;
  const pg = (await import("pg")).default;
  return served({ child, dir, port, url, name: "postgres", log, stopSignal: "SIGINT" }, async () => {
    const c = new pg.Client({ connectionString: url });
    c.on("error", () => undefined);
    try {
      await c.connect();
      await c.query("SELECT 1");
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  });
}

/** redis-server on a free port, no persistence. */
export async function startRedis(): Promise<ThrowawayServer> {
  const bin = redisServerBin();
  if (!bin) throw new Error(redisUnavailable());
  const dir = mkdtempSync(join(tmpdir(), "msfn-redis-"));
  const port = await freePort();
  const log: string[] = [];
  const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--protected-mode", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  track(child, "redis-server", log);
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import("ioredis");
  return served({ child, dir, port, url, name: "redis-server", log, stopSignal: "SIGTERM" }, async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  });
}
