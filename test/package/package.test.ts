import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as a user installs it: packed with `npm pack` (which builds dist/ through `prepare`),
 * installed into a scratch project in the system's temp folder, far from this repository, and used
 * there with the Node that runs this test (CI runs it on Node 20 and on Node 24).
 */
const ROOT = join(import.meta.dirname, "..", "..");
const CONSUMER = join(import.meta.dirname, "consumer");
const run = promisify(execFile);
const repoPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let app: string;
let tarball: string;
let installedBytes = 0;
const children = new Set<ChildProcess>();

/** npm and node with the running Node first on PATH, so npx and the bin's `#!/usr/bin/env node` use it. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GRAPH_EMULATOR_|NODE_EXTRA_CA_CERTS|VITEST|NODE_OPTIONS)/.test(k)) clean[k] = v;
  return { ...clean, PATH: `${join(process.execPath, "..")}:${process.env.PATH}`, HOME: join(work, "home"), npm_config_update_notifier: "false", ...extra };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("npm", [...args, "--no-audit", "--no-fund"], { cwd, env: env(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Every file under dir with its size and mtime: to show that nothing was written there. */
function fileList(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.push(`${p} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "graph-emulator-consumer-"));
  mkdirSync(join(work, "home"));
  const packed = JSON.parse(await npm(["pack", "--json", "--pack-destination", work], ROOT)) as { filename: string }[];
  tarball = join(work, packed[0]!.filename);
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await npm(["install", "--prefer-offline", tarball], app);
  installedBytes = sizeOf(join(app, "node_modules"));
  // The consumer's own tools, as a team adopting the emulator would have them.
  const dev = repoPackage.devDependencies;
  await npm(
    [
      "install",
      "--prefer-offline",
      "--save-dev",
      `typescript@${dev.typescript}`,
      `vitest@${dev.vitest}`,
      `@types/node@${dev["@types/node"]}`,
      `@azure/msal-node@${dev["@azure/msal-node"]}`,
      `@microsoft/microsoft-graph-client@${dev["@microsoft/microsoft-graph-client"]}`,
    ],
    app,
  );
  cpSync(CONSUMER, app, { recursive: true });
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships the build, fixtures, README and LICENSE, and no sources, tests, bench or CI files", async () => {
    const { stdout } = await run("tar", ["tzf", tarball]);
    const files = stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    for (const f of ["package.json", "README.md", "LICENSE", "dist/emulator/src/index.js", "dist/emulator/src/index.d.ts", "dist/client/src/index.js", "dist/bin/graph-emulator.cjs", "dist/bin/emulator.cjs", "dist/fixtures/tenants/contoso.json"]) {
      expect(files, f).toContain(f);
    }
    const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.*)$/.test(f) || /\.test\.|\.ts$(?<!\.d\.ts)/.test(f));
    expect(stray).toEqual([]);
  });

  it("installs only runtime dependencies, well under the 52 MB it once took", () => {
    const installed = readdirSync(join(app, "node_modules"));
    const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const runtime = Object.keys(lock.packages).filter((p) => p && !lock.packages[p]!.dev).map((p) => p.replace(/^.*node_modules\//, ""));
    for (const tool of ["tsx", "esbuild", "typescript", "vitest", "eslint", "autocannon", "playwright-core"]) expect(runtime, tool).not.toContain(tool);
    console.log(`installed size of graph-emulator with its dependencies: ${(installedBytes / 1048576).toFixed(1)} MiB (${installed.length} top-level entries)`);
    expect(installedBytes).toBeLessThan(40 * 1048576);
  });
});

describe("used from a project outside the repository", () => {
  it("(a) plain Node imports it, starts in memory, calls Graph through the client, and writes nothing to the working folder", async () => {
    const { stdout } = await run(process.execPath, ["start.mjs"], { cwd: app, env: env() });
    expect(JSON.parse(stdout)).toEqual({ health: 200, adele: "Adele Vance", caFile: null, wroteDataDir: false });
    const cjs = await run(process.execPath, ["start.cjs"], { cwd: app, env: env() });
    expect(JSON.parse(cjs.stdout)).toEqual({ health: 200 });
  });

  it("(b) type-checks with the consumer's tsc, strict and NodeNext, without skipLibCheck", async () => {
    const result = await run(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: app, env: env() }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe("");
  });

  for (const pool of ["forks", "threads"]) {
    it(`(c) runs a vitest suite through the global setup in the ${pool} pool`, async () => {
      const vitest = join(app, "node_modules", "vitest", "vitest.mjs");
      const result = await run(process.execPath, [vitest, "run", "--pool", pool], { cwd: app, env: env({ EXPECT_POOL: pool, CI: "1", NO_COLOR: "1" }) }).catch(
        (e: { stdout: string; stderr: string }) => ({ ...e, failed: true }),
      );
      expect("failed" in result ? `${result.stdout}\n${result.stderr}` : "", "vitest run").toBe("");
      expect(result.stdout).toMatch(/Tests\s+3 passed/);
    });
  }
});

interface Started {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command in a process group of its own, as a terminal runs it (see stop()). */
function start(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Started {
  const child = spawn(command, args, { cwd, env: env(extraEnv), stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.add(child);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  // "close": the process ended and so did everything holding its output (npx runs the command as a child).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, exited };
}

/** SIGTERM to the whole process group (npx and the emulator it runs), as a terminal's Ctrl+C or `kill` of a service does. */
function stop(s: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  process.kill(-s.child.pid!, "SIGTERM");
  return s.exited;
}

async function ready(s: Started): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (!s.out().includes("Press Ctrl+C to stop.")) {
    if (s.child.exitCode !== null) throw new Error(`exited with ${s.child.exitCode}:\n${s.out()}`);
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${s.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return /ready at (https:\/\/\S+)/.exec(s.out())![1] as string;
}

function https(url: string, ca: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", ca, headers: options.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the graph-emulator command", () => {
  it("(d) npx graph-emulator --help lists the flags", async () => {
    const { stdout } = await run("npx", ["--no-install", "graph-emulator", "--help"], { cwd: app, env: env() });
    expect(stdout).toContain("Usage: graph-emulator [options]");
    for (const flag of ["--port", "--host", "--data-dir", "--in-memory", "--fixtures", "--cors-origin", "--hostname", "--control-token"]) expect(stdout).toContain(flag);
  });

  it("installs globally (npm install --global) as the graph-emulator command", async () => {
    const prefix = join(work, "global");
    await npm(["install", "--global", "--prefer-offline", "--prefix", prefix, tarball], work);
    const { stdout } = await run(join(prefix, "bin", "graph-emulator"), ["--help"], { cwd: work, env: env() });
    expect(stdout).toContain("Usage: graph-emulator [options]");
  });

  it("(d) npx graph-emulator --port 0 --in-memory prints npm start's ready block, answers health, and writes nothing into the package", async () => {
    const pkgDir = join(app, "node_modules", "graph-emulator");
    const before = fileList(pkgDir);
    for (const round of [1, 2]) {
      // The second start runs with the code cache the first one wrote to the user's cache folder.
      const s = start("npx", ["--no-install", "graph-emulator", "--port", "0", "--in-memory"], app);
      const baseUrl = await ready(s);
      const lines = s.out().split("\n");
      const caFile = join(app, ".graph-emulator", "ca.pem");
      expect(lines.map((l) => l.trim().split(/\s{2,}|:\s/)[0])).toEqual(
        expect.arrayContaining(["Graph", "Control", "Dashboard", "Tenants (authority URLs for MSAL):", "Contoso", "Fabrikam", "common", "CA", "Trust it", "Press Ctrl+C to stop."]),
      );
      expect(lines.some((l) => l.trim() === `Trust it:     NODE_EXTRA_CA_CERTS=${caFile}`)).toBe(true);
      const health = await https(`${baseUrl}/_emulator/health`, readFileSync(caFile, "utf8"));
      expect(health.status).toBe(200);
      // npm passes the signal on and then ends by it itself; the emulator below it stops cleanly.
      expect(await stop(s), `round ${round}`).toMatchObject(expect.objectContaining({ code: null, signal: "SIGTERM" }));
      expect(s.out()).toContain("SIGTERM received, flushing state and stopping...");
      expect(s.out()).not.toContain("error while stopping");
    }
    expect(fileList(pkgDir)).toEqual(before);
    expect(existsSync(join(app, ".graph-emulator", "state"))).toBe(false);
    expect(readdirSync(join(work, "home", ".cache", "graph-emulator")).some((f) => f.endsWith(".v8cache"))).toBe(true);
  });

  it("runs as the container image runs it: all interfaces, a control token from the environment, health check, state flushed on SIGTERM", async () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
    // The image's environment and command, as the Dockerfile states them (port and data dir moved to free ones here).
    const imageEnv: Record<string, string> = {};
    for (const line of dockerfile.split("\n").filter((l) => l.startsWith("ENV "))) {
      for (const m of line.slice(4).matchAll(/(\w+)=(\S+)/g)) imageEnv[m[1] as string] = m[2] as string;
    }
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1] as string) as string[];
    const health = JSON.parse(/HEALTHCHECK .*CMD (\[.*\])$/m.exec(dockerfile)![1] as string) as string[];
    expect(imageEnv).toMatchObject({ GRAPH_EMULATOR_HOST: "0.0.0.0", GRAPH_EMULATOR_DATA_DIR: "/data" });
    expect(cmd).toEqual(["graph-emulator"]);
    const dataDir = join(work, "container-data");
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const token = "container-control-token-1234";
    const containerEnv = { ...imageEnv, GRAPH_EMULATOR_PORT: port, GRAPH_EMULATOR_DATA_DIR: dataDir, GRAPH_EMULATOR_CACHE_DIR: join(work, "home", "cache"), GRAPH_EMULATOR_CONTROL_TOKEN: token };
    const bin = join(app, "node_modules", ".bin", cmd[0] as string);
    const first = start(bin, cmd.slice(1), app, containerEnv);
    const baseUrl = await ready(first);
    expect(first.out()).not.toContain(token);
    // HEALTHCHECK's script, from the installed package instead of the image's global folder.
    const healthScript = (health[1] as string).replace("/usr/local/lib/node_modules/graph-emulator", join(app, "node_modules", "graph-emulator"));
    await expect(run(process.execPath, [healthScript], { env: env(containerEnv) })).resolves.toBeDefined();
    const ca = readFileSync(join(dataDir, "ca.pem"), "utf8");
    const url = `${baseUrl}/_emulator/tenants/contoso.onmicrosoft.com/users`;
    const body = JSON.stringify({ displayName: "Flushed", userPrincipalName: "flushed@contoso.com" });
    expect((await https(url, ca, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(401);
    const created = await https(url, ca, { method: "POST", headers: { "content-type": "application/json", "x-emulator-token": token }, body });
    expect(created.status).toBe(201);
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    await expect(run(process.execPath, [healthScript], { env: env(containerEnv) })).rejects.toThrow();

    const second = start(bin, cmd.slice(1), app, containerEnv);
    await ready(second);
    const users = await https(url, ca, { headers: { "x-emulator-token": token } });
    expect(users.text).toContain("flushed@contoso.com");
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  });
});
