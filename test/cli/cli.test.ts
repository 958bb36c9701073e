import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CliError, HELP, parseCli } from "../../emulator/src/cli/args.ts";
import { CONTOSO, FABRIKAM } from "../support/emulator.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SPAWN_TIMEOUT = 60_000;

describe("parseCli", () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = parseCli(argv, env);
    if (result.help) throw new Error("unexpected --help");
    return result.options;
  };

  it("gives no options (so every default applies) with no flags and no environment", () => {
    expect(parseCli([], {})).toEqual({ help: false, options: {} });
  });

  it("reads every flag", () => {
    expect(
      parse(["--port", "9000", "--host", "0.0.0.0", "--data-dir", "/var/emu", "--in-memory", "--fixtures", "/fx/tenants"]),
    ).toEqual({ port: 9000, host: "0.0.0.0", dataDir: "/var/emu", inMemory: true, fixtures: "/fx/tenants" });
    expect(parse(["--port=0", "--data-dir=rel/dir"])).toEqual({ port: 0, dataDir: "rel/dir" });
    expect(parse(["--port", "65535"])).toEqual({ port: 65535 });
  });

  it("reads every environment variable", () => {
    expect(
      parse([], {
        GRAPH_EMULATOR_PORT: "9100",
        GRAPH_EMULATOR_HOST: "::1",
        GRAPH_EMULATOR_DATA_DIR: "/srv/emu",
        GRAPH_EMULATOR_IN_MEMORY: "1",
        GRAPH_EMULATOR_FIXTURES: "/srv/fixtures.json",
      }),
    ).toEqual({ port: 9100, host: "::1", dataDir: "/srv/emu", inMemory: true, fixtures: "/srv/fixtures.json" });
  });

  it.each(["1", "true", "TRUE", "yes", "on"])("GRAPH_EMULATOR_IN_MEMORY=%s turns in-memory on", (value) => {
    expect(parse([], { GRAPH_EMULATOR_IN_MEMORY: value }).inMemory).toBe(true);
  });

  it.each(["0", "false", "no", "off", ""])("GRAPH_EMULATOR_IN_MEMORY=%j leaves it off", (value) => {
    expect(parse([], { GRAPH_EMULATOR_IN_MEMORY: value }).inMemory).toBeUndefined();
  });

  it("ignores unrelated environment variables", () => {
    expect(parse([], { PORT: "1234", HOST: "example.com", DATA_DIR: "/x" })).toEqual({});
  });

  it("flags beat environment variables", () => {
    expect(
      parse(["--port", "9000", "--host", "127.0.0.1", "--data-dir", "/flag", "--fixtures", "/flag-fx"], {
        GRAPH_EMULATOR_PORT: "9100",
        GRAPH_EMULATOR_HOST: "0.0.0.0",
        GRAPH_EMULATOR_DATA_DIR: "/env",
        GRAPH_EMULATOR_FIXTURES: "/env-fx",
      }),
    ).toEqual({ port: 9000, host: "127.0.0.1", dataDir: "/flag", fixtures: "/flag-fx" });
    // A valid flag wins even over an invalid environment value.
    expect(parse(["--port", "9000"], { GRAPH_EMULATOR_PORT: "abc" }).port).toBe(9000);
  });

  it.each([["abc"], ["-1"], ["1.5"], ["80a"], [""], ["123456"], [" 80"]])("--port %j is a CliError", (port) => {
    expect(() => parseCli(["--port", port], {})).toThrow(CliError);
    expect(() => parseCli([`--port=${port}`], {})).toThrow(/--port must be a number from 0 to 65535/);
  });

  it("a bad GRAPH_EMULATOR_PORT is a CliError too", () => {
    expect(() => parseCli([], { GRAPH_EMULATOR_PORT: "eighty" })).toThrow(CliError);
  });

  it.each([["65536"], ["70000"], ["99999"]])("--port %s (above 65535) is a CliError", (port) => {
    expect(() => parseCli(["--port", port], {})).toThrow(CliError);
  });

  it("an unknown flag is a CliError that points at --help", () => {
    let error: unknown;
    try {
      parseCli(["--bogus"], {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain("--bogus");
    expect((error as Error).message).toContain("--help");
  });

  it("positional arguments and a flag missing its value are CliErrors", () => {
    expect(() => parseCli(["serve"], {})).toThrow(CliError);
    expect(() => parseCli(["--port"], {})).toThrow(CliError);
    expect(() => parseCli(["--in-memory=yes"], {})).toThrow(CliError);
  });

  it("--help and -h ask for help, whatever else is given", () => {
    expect(parseCli(["--help"], {})).toEqual({ help: true });
    expect(parseCli(["-h"], {})).toEqual({ help: true });
    expect(parseCli(["--port", "abc", "--help"], { GRAPH_EMULATOR_PORT: "x" })).toEqual({ help: true });
  });

  it("HELP names every option and its environment variable", () => {
    for (const text of [
      "--port",
      "GRAPH_EMULATOR_PORT",
      "--host",
      "GRAPH_EMULATOR_HOST",
      "--data-dir",
      "GRAPH_EMULATOR_DATA_DIR",
      "--in-memory",
      "GRAPH_EMULATOR_IN_MEMORY",
      "--fixtures",
      "GRAPH_EMULATOR_FIXTURES",
      "--help",
      "-h",
    ]) {
      expect(HELP).toContain(text);
    }
  });
});

/* ------------------------------------------------------------------------- */
/* End to end: the real entry point in a child process.                      */
/* ------------------------------------------------------------------------- */

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

afterEach(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  children.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "graph-emulator-cli-"));
  tempDirs.push(dir);
  return dir;
}

/** The environment without any GRAPH_EMULATOR_* settings of the test run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GRAPH_EMULATOR_")) env[k] = v;
  return env;
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How the emulator is started: the TypeScript sources through tsx, or `npm start`'s launcher (the prebuilt bundle). */
const TSX = ["--import", "tsx", "emulator/src/main.ts"];
const START_SCRIPT = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
/** The start script's arguments after `node` (its Node flags, then emulator/bin/start.cjs). */
const NPM_START = START_SCRIPT.replace(/^node\s+/, "").split(/\s+/);

function spawnEmulator(args: string[], launcher: string[] = TSX): Spawned {
  const child = spawn(process.execPath, [...launcher, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the ready banner (through "Press Ctrl+C to stop.") and returns its lines and base URL. */
async function waitReady(s: Spawned): Promise<{ lines: string[]; baseUrl: string }> {
  const deadline = Date.now() + SPAWN_TIMEOUT;
  while (!s.stdout().includes("Press Ctrl+C to stop.")) {
    if (s.child.exitCode !== null) throw new Error(`emulator exited with ${s.child.exitCode}:\n${s.stdout()}\n${s.stderr()}`);
    if (Date.now() > deadline) throw new Error(`emulator not ready in time:\n${s.stdout()}\n${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /Graph emulator ready at (https:\/\/\S+)/.exec(s.stdout());
  expect(m, s.stdout()).not.toBeNull();
  return { lines: s.stdout().split("\n"), baseUrl: m![1] as string };
}

async function stop(s: Spawned): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  s.child.kill("SIGTERM");
  return s.exited;
}

interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown> & unknown[];
}

/** An HTTPS request with node:https, trusting only the given CA. */
function https(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers, ca }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> & unknown[] }),
      );
    });
    req.on("error", (err) => reject(new Error(`${options.method ?? "GET"} ${url}: ${err.message}`, { cause: err })));
    req.end(options.body);
  });
}

const jsonBody = (value: unknown) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
const formBody = (value: Record<string, string>) => ({
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(value).toString(),
});

describe("graph-emulator as a process", () => {
  it(
    "npm start's launcher runs the prebuilt bundle (built first if a source changed), answers, stops on SIGTERM, and does not build twice",
    async () => {
      const dataDir = tempDir();
      const s = spawnEmulator(["--port", "0", "--data-dir", dataDir], NPM_START);
      const { baseUrl } = await waitReady(s);
      const ca = readFileSync(join(dataDir, "ca.pem"), "utf8");
      expect((await https(`${baseUrl}/_emulator/health`, ca)).status).toBe(200);
      const discovery = await https(`${baseUrl}/${CONTOSO.id}/v2.0/.well-known/openid-configuration`, ca);
      expect(discovery.json().token_endpoint).toBe(`${baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`);
      expect((await stop(s)).code).toBe(0);
      // The bundle it ran is current now: a second start does not build again.
      const again = spawnEmulator(["--port", "0", "--data-dir", dataDir], NPM_START);
      await waitReady(again);
      expect(again.stderr()).not.toContain("building the emulator");
      const stopped = await stop(again);
      expect(stopped, `${again.stdout()}\n${again.stderr()}`).toEqual({ code: 0, signal: null });
    },
    SPAWN_TIMEOUT,
  );

  it(
    "--help prints every option with its environment variable and exits 0",
    async () => {
      const s = spawnEmulator(["--help"]);
      const { code } = await s.exited;
      expect(code).toBe(0);
      expect(s.stdout().trim()).toBe(HELP.trim());
      for (const [flag, env] of [
        ["--port", "GRAPH_EMULATOR_PORT"],
        ["--host", "GRAPH_EMULATOR_HOST"],
        ["--data-dir", "GRAPH_EMULATOR_DATA_DIR"],
        ["--in-memory", "GRAPH_EMULATOR_IN_MEMORY"],
        ["--fixtures", "GRAPH_EMULATOR_FIXTURES"],
      ] as const) {
        const line = s.stdout().split("\n").find((l) => l.trimStart().startsWith(flag));
        expect(line, flag).toBeDefined();
        expect(line).toContain(env);
      }
      expect(s.stdout()).toContain("-h, --help");
    },
    SPAWN_TIMEOUT,
  );

  it(
    "--port abc exits 2 with a message",
    async () => {
      const s = spawnEmulator(["--port", "abc"]);
      const { code } = await s.exited;
      expect(code).toBe(2);
      expect(s.stderr()).toContain("--port must be a number from 0 to 65535, not 'abc'");
      expect(s.stderr()).not.toMatch(/\n\s+at /); // no stack trace
      expect(s.stdout()).toBe("");
    },
    SPAWN_TIMEOUT,
  );

  it(
    "an unknown flag exits 2 and points at --help",
    async () => {
      const s = spawnEmulator(["--bogus"]);
      const { code } = await s.exited;
      expect(code).toBe(2);
      expect(s.stderr()).toContain("--bogus");
      expect(s.stderr()).toContain("--help");
    },
    SPAWN_TIMEOUT,
  );

  it(
    "--port 70000 exits 2 with a message",
    async () => {
      const s = spawnEmulator(["--port", "70000"]);
      const { code } = await s.exited;
      expect(code).toBe(2);
      expect(s.stderr()).toContain("65535");
      expect(s.stderr()).not.toContain("ZodError");
    },
    SPAWN_TIMEOUT,
  );

  it(
    "starts on a free port, prints where everything is, flushes state on SIGTERM, and keeps CA, key, users and tokens across a restart",
    async () => {
      const dataDir = tempDir();
      const caFile = join(dataDir, "ca.pem");

      // --- First run ---------------------------------------------------
      const first = spawnEmulator(["--port", "0", "--data-dir", dataDir]);
      const { lines, baseUrl } = await waitReady(first);
      expect(baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
      expect(baseUrl).not.toMatch(/:0$/);
      const port = Number(new URL(baseUrl).port);
      expect(port).toBeGreaterThan(0);
      expect(lines).toContain(`Graph emulator ready at ${baseUrl}`);
      expect(lines.some((l) => /^\s*Graph:\s+/.test(l) && l.trim().endsWith(`${baseUrl}/v1.0`))).toBe(true);
      expect(lines.some((l) => /^\s*Control:\s+/.test(l) && l.includes(`${baseUrl}/_emulator `))).toBe(true);
      for (const tenant of [CONTOSO.id, FABRIKAM.id]) {
        expect(lines.some((l) => l.includes(` ${baseUrl}/${tenant} `))).toBe(true);
      }
      expect(lines.some((l) => l.includes(`${baseUrl}/${CONTOSO.id}`) && l.includes("Contoso") && l.includes("(contoso.onmicrosoft.com)"))).toBe(true);
      expect(lines.some((l) => l.includes(`${baseUrl}/${FABRIKAM.id}`) && l.includes("Fabrikam") && l.includes("(fabrikam.onmicrosoft.com)"))).toBe(true);
      expect(lines.some((l) => /^\s*CA:\s+/.test(l) && l.trim().endsWith(caFile))).toBe(true);
      expect(lines.some((l) => /^\s*Trust it:\s+NODE_EXTRA_CA_CERTS=(\S+)$/.exec(l)?.[1] === caFile)).toBe(true);
      expect(first.stderr()).toBe("");

      for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "signing-key.json", "state/manifest.json"]) {
        expect(existsSync(join(dataDir, f)), f).toBe(true);
      }
      const ca = readFileSync(caFile, "utf8");
      const signingKey = readFileSync(join(dataDir, "signing-key.json"));
      const caKey = readFileSync(join(dataDir, "ca-key.pem"));

      // The control plane answers over HTTPS that trusts only the printed CA.
      const health = await https(`${baseUrl}/_emulator/health`, ca);
      expect(health.status).toBe(200);
      expect(health.json()).toEqual({ status: "ok" });
      expect((await https(`${baseUrl}/_emulator/ca.pem`, ca)).text).toBe(ca);
      // And a request that does not trust it fails the TLS handshake.
      await expect(https(`${baseUrl}/_emulator/health`, "")).rejects.toThrow(/certificate|self[- ]signed|verify/i);

      const upn = "RestartR@contoso.onmicrosoft.com";
      const created = await https(`${baseUrl}/_emulator/tenants/${CONTOSO.id}/users`, ca, {
        method: "POST",
        ...jsonBody({ displayName: "Restart Rita", userPrincipalName: upn, password: "Rest4rt!" }),
      });
      expect(created.status, created.text).toBe(201);
      const userId = created.json().id as string;

      const tokenFor = async (base: string, username: string, password: string) => {
        const res = await https(`${base}/${CONTOSO.id}/oauth2/v2.0/token`, ca, {
          method: "POST",
          ...formBody({
            grant_type: "password",
            client_id: CONTOSO.teamTools.clientId,
            client_secret: CONTOSO.teamTools.secret,
            username,
            password,
            scope: "User.Read",
          }),
        });
        expect(res.status, res.text).toBe(200);
        return res.json().access_token as string;
      };
      const adeleToken = await tokenFor(baseUrl, CONTOSO.adele.upn, CONTOSO.adele.password);
      const ritaToken = await tokenFor(baseUrl, upn, "Rest4rt!");
      const meBefore = await https(`${baseUrl}/v1.0/me`, ca, { headers: { authorization: `Bearer ${ritaToken}` } });
      expect(meBefore.status).toBe(200);
      expect(meBefore.json()).toMatchObject({ id: userId, userPrincipalName: upn });

      const exit = await stop(first);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(first.stdout()).toContain("SIGTERM received");
      // A clean stop folds the write-ahead log into the tenant's files.
      const state = readFileSync(join(dataDir, "state", "tenants", CONTOSO.id, "users.json"), "utf8");
      expect(state).toContain(upn);
      expect(state).toContain(userId);

      // --- Second run on the same data dir -----------------------------
      const second = spawnEmulator(["--port", "0", "--data-dir", dataDir]);
      const again = await waitReady(second);
      expect(readFileSync(caFile, "utf8")).toBe(ca);
      expect(readFileSync(join(dataDir, "signing-key.json")).equals(signingKey)).toBe(true);
      expect(readFileSync(join(dataDir, "ca-key.pem")).equals(caKey)).toBe(true);
      expect(again.lines.some((l) => /^\s*Trust it:\s+NODE_EXTRA_CA_CERTS=(\S+)$/.exec(l)?.[1] === caFile)).toBe(true);

      // The same CA still verifies the server.
      expect((await https(`${again.baseUrl}/_emulator/health`, ca)).status).toBe(200);
      const users = (await https(`${again.baseUrl}/_emulator/tenants/${CONTOSO.id}/users`, ca)).json() as unknown as { id: string; userPrincipalName: string }[];
      expect(users.find((u) => u.id === userId)?.userPrincipalName).toBe(upn);

      // Tokens issued before the restart still verify after it.
      for (const [tokenBefore, id] of [
        [adeleToken, CONTOSO.adele.id],
        [ritaToken, userId],
      ] as const) {
        const me = await https(`${again.baseUrl}/v1.0/me`, ca, { headers: { authorization: `Bearer ${tokenBefore}` } });
        expect(me.status, me.text).toBe(200);
        expect(me.json().id).toBe(id);
      }
      // And the persisted user can still sign in.
      expect((await tokenFor(again.baseUrl, upn, "Rest4rt!")).split(".")).toHaveLength(3);

      expect(await stop(second)).toEqual({ code: 0, signal: null });
    },
    4 * SPAWN_TIMEOUT,
  );

  it(
    "--in-memory keeps certificates and keys in the data dir but writes no state",
    async () => {
      const dataDir = tempDir();
      const s = spawnEmulator(["--port", "0", "--data-dir", dataDir, "--in-memory"]);
      const { baseUrl } = await waitReady(s);
      const ca = readFileSync(join(dataDir, "ca.pem"), "utf8");
      const created = await https(`${baseUrl}/_emulator/tenants/${CONTOSO.id}/users`, ca, {
        method: "POST",
        ...jsonBody({ displayName: "Ephemeral", userPrincipalName: "eph@contoso.com" }),
      });
      expect(created.status).toBe(201);
      expect(await stop(s)).toEqual({ code: 0, signal: null });
      expect(existsSync(join(dataDir, "signing-key.json"))).toBe(true);
      expect(existsSync(join(dataDir, "state"))).toBe(false);
    },
    2 * SPAWN_TIMEOUT,
  );

  it(
    "environment variables configure the process too",
    async () => {
      const dataDir = tempDir();
      const child = spawn(process.execPath, ["--import", "tsx", "emulator/src/main.ts"], {
        cwd: ROOT,
        env: { ...cleanEnv(), GRAPH_EMULATOR_PORT: "0", GRAPH_EMULATOR_DATA_DIR: dataDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.add(child);
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const s: Spawned = {
        child,
        stdout: () => out,
        stderr: () => err,
        exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
      };
      const { lines } = await waitReady(s);
      expect(lines.some((l) => l.trim() === `Trust it:     NODE_EXTRA_CA_CERTS=${join(dataDir, "ca.pem")}`)).toBe(true);
      expect(await stop(s)).toEqual({ code: 0, signal: null });
    },
    2 * SPAWN_TIMEOUT,
  );
});
