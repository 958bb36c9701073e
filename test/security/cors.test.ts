import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import { CliError, parseCli } from "../../emulator/src/cli/args.ts";
import { CONTOSO } from "../support/emulator.ts";

/**
 * CORS: closed by default; with --cors-origin, Graph, the token endpoint and
 * discovery answer the configured origins the way Microsoft answers SPAs, and
 * the control plane and the sign-in pages never do.
 */
const APP = "http://localhost:3000";
const OTHER = "https://evil.example";

const dirs: string[] = [];
async function start(corsOrigins?: string[]): Promise<RunningEmulator> {
  const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR;
  if (!tlsDir) throw new Error("test/support/global-setup.ts did not run");
  const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-cors-"));
  dirs.push(dataDir);
  for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
  return startEmulator({ port: 0, dataDir, inMemory: true, quiet: true, ...(corsOrigins ? { corsOrigins } : {}) });
}

let closed: RunningEmulator;
let exact: RunningEmulator;
let star: RunningEmulator;
beforeAll(async () => {
  [closed, exact, star] = await Promise.all([start(), start([APP, "https://app.test"]), start(["*"])]);
});
afterAll(async () => {
  await Promise.all([closed, exact, star].map((e) => e?.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const paths = {
  me: "/v1.0/me",
  token: `/${CONTOSO.id}/oauth2/v2.0/token`,
  discovery: `/${CONTOSO.id}/v2.0/.well-known/openid-configuration`,
  keys: `/${CONTOSO.id}/discovery/v2.0/keys`,
};

function preflight(emu: RunningEmulator, path: string, origin: string, method = "GET", headers = "authorization,consistencylevel") {
  return fetch(`${emu.baseUrl}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });
}

async function daemonToken(emu: RunningEmulator, origin?: string): Promise<Response> {
  return fetch(`${emu.baseUrl}${paths.token}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(origin ? { origin } : {}) },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: CONTOSO.daemon.clientId,
      client_secret: CONTOSO.daemon.secret,
      scope: "https://graph.microsoft.com/.default",
    }),
  });
}

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith("access-control-"));

describe("closed by default", () => {
  it("no answer carries Access-Control-Allow-Origin, whatever the origin", async () => {
    for (const path of [paths.me, paths.discovery, paths.keys]) {
      const res = await fetch(`${closed.baseUrl}${path}`, { headers: { origin: APP } });
      expect(res.status, path).toBeLessThan(500);
      expect(corsHeaders(res), path).toEqual([]);
    }
    const token = await daemonToken(closed, APP);
    expect(token.status).toBe(200);
    expect(corsHeaders(token)).toEqual([]);
  });

  it("a preflight from any origin gets no CORS allowance, and never a 5xx", async () => {
    for (const path of [...Object.values(paths), "/v1.0/users", "/_emulator/health", `/${CONTOSO.id}/oauth2/v2.0/authorize`]) {
      for (const origin of [APP, OTHER, "null"]) {
        const res = await preflight(closed, path, origin, "POST");
        expect(res.status, `${path} from ${origin}`).toBeLessThan(500);
        expect(res.status, `${path} from ${origin}`).not.toBe(204);
        expect(corsHeaders(res), `${path} from ${origin}`).toEqual([]);
      }
    }
  });
});

describe("configured with exact origins", () => {
  it("answers a Graph preflight from an allowed origin like Microsoft: 204, echoed origin, methods, headers, max-age", async () => {
    const res = await preflight(exact, "/v1.0/users?$filter=startswith(displayName,'A')", APP, "GET", "authorization,consistencylevel,client-request-id");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, PATCH, PUT, DELETE, OPTIONS");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").split(/,\s*/).map((h) => h.toLowerCase());
    for (const h of ["authorization", "content-type", "consistencylevel", "prefer", "client-request-id", "return-client-request-id", "x-client-sku", "x-client-ver", "x-client-os", "x-client-cpu", "x-client-current-telemetry", "x-client-last-telemetry", "x-ms-lib-capability"]) {
      expect(allowed).toContain(h);
    }
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    // The second configured origin is allowed too.
    expect((await preflight(exact, paths.me, "https://app.test")).headers.get("access-control-allow-origin")).toBe("https://app.test");
  });

  it("Graph answers, errors included, carry the origin and expose Graph's headers", async () => {
    const token = ((await (await daemonToken(exact)).json()) as { access_token: string }).access_token;
    const ok = await fetch(`${exact.baseUrl}/v1.0/users?$top=1&$select=id`, { headers: { origin: APP, authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
    expect(ok.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(ok.headers.get("access-control-expose-headers")).toBe("request-id, client-request-id, Retry-After, Location, Preference-Applied");
    // A refused token: the app must be able to read Graph's error.
    const refused = await fetch(`${exact.baseUrl}${paths.me}`, { headers: { origin: APP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("the token endpoint, discovery and keys answer the allowed origin", async () => {
    const token = await daemonToken(exact, APP);
    expect(token.status).toBe(200);
    expect(token.headers.get("access-control-allow-origin")).toBe(APP);
    expect((await preflight(exact, paths.token, APP, "POST", "content-type,x-client-sku")).status).toBe(204);
    for (const path of [paths.discovery, paths.keys, `/${CONTOSO.domain}/.well-known/openid-configuration`, "/common/discovery/instance"]) {
      const res = await fetch(`${exact.baseUrl}${path}`, { headers: { origin: APP } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("access-control-allow-origin"), path).toBe(APP);
    }
  });

  it("refuses another origin: no allowance on preflight or answer, and no 5xx", async () => {
    for (const path of Object.values(paths)) {
      const pre = await preflight(exact, path, OTHER, "POST");
      expect(pre.status, path).toBeLessThan(500);
      expect(pre.status, path).not.toBe(204);
      expect(pre.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(pre.headers.get("access-control-allow-methods"), path).toBeNull();
    }
    const get = await fetch(`${exact.baseUrl}${paths.keys}`, { headers: { origin: OTHER } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    // Near misses are other origins too.
    for (const near of ["http://localhost:3001", "https://localhost:3000", "http://localhost:3000.evil.example"]) {
      expect((await preflight(exact, paths.me, near)).headers.get("access-control-allow-origin"), near).toBeNull();
    }
  });
});

describe("configured with *", () => {
  it("allows any origin with *, on preflights and answers", async () => {
    const pre = await preflight(star, paths.me, OTHER);
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    const res = await fetch(`${star.baseUrl}${paths.discovery}`, { headers: { origin: APP } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("never on the control plane nor the sign-in pages", () => {
  it.each([
    ["exact", () => exact, APP],
    ["*", () => star, APP],
  ])("with %s configured, /_emulator refuses cross-site requests and answers no CORS", async (_name, emu, origin) => {
    for (const path of ["/_emulator/health", "/_emulator/tenants", "/_emulator/reset"]) {
      const pre = await preflight(emu(), path, origin, "POST", "content-type");
      expect(pre.status, path).toBeLessThan(500);
      expect(corsHeaders(pre), path).toEqual([]);
    }
    const get = await fetch(`${emu().adminUrl}/tenants`, { headers: { origin } });
    expect(get.status).toBe(403);
    expect(corsHeaders(get)).toEqual([]);
    const post = await fetch(`${emu().adminUrl}/reset`, { method: "POST", headers: { origin } });
    expect(post.status).toBe(403);
    expect(corsHeaders(post)).toEqual([]);
  });

  it("the authorize and sign-out pages answer no CORS", async () => {
    const q = new URLSearchParams({ client_id: CONTOSO.webApp.clientId, response_type: "code", redirect_uri: CONTOSO.webApp.redirectUri, scope: "User.Read" });
    for (const path of [`/${CONTOSO.id}/oauth2/v2.0/authorize?${q}`, `/${CONTOSO.id}/oauth2/v2.0/logout`]) {
      const res = await fetch(`${star.baseUrl}${path}`, { headers: { origin: APP } });
      expect(res.status, path).toBe(200);
      expect(corsHeaders(res), path).toEqual([]);
      expect(corsHeaders(await preflight(star, path, APP, "POST")), path).toEqual([]);
    }
  });
});

describe("--cors-origin and GRAPH_EMULATOR_CORS_ORIGINS", () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = parseCli(argv, env);
    if (result.help) throw new Error("unexpected --help");
    return result.options;
  };

  it("reads a comma-separated list, repeated flags and the environment; flags win", () => {
    expect(parse(["--cors-origin", "http://localhost:3000,https://app.test"]).corsOrigins).toEqual(["http://localhost:3000", "https://app.test"]);
    expect(parse(["--cors-origin", "http://localhost:3000", "--cors-origin=https://app.test:8443"]).corsOrigins).toEqual(["http://localhost:3000", "https://app.test:8443"]);
    expect(parse([], { GRAPH_EMULATOR_CORS_ORIGINS: " * " }).corsOrigins).toEqual(["*"]);
    expect(parse(["--cors-origin", "https://app.test"], { GRAPH_EMULATOR_CORS_ORIGINS: "*" }).corsOrigins).toEqual(["https://app.test"]);
    expect(parse([], { GRAPH_EMULATOR_CORS_ORIGINS: "" }).corsOrigins).toBeUndefined();
    expect(parse([]).corsOrigins).toBeUndefined();
    // Written the way a browser sends Origin: host lower-cased, default port dropped.
    expect(parse(["--cors-origin", "HTTPS://App.Test:443,http://[::1]:5173"]).corsOrigins).toEqual(["https://app.test", "http://[::1]:5173"]);
  });

  it.each([
    ["http://localhost:3000/", "no path"],
    ["http://localhost:3000/app", "no path"],
    ["https://app.test?x=1", "no path"],
    ["localhost:3000", "scheme:// missing"],
    ["app.test", "scheme:// missing"],
    ["ftp://app.test", "http or https"],
    ["https://user:pw@app.test", "user name"],
    ["http://localhost:99999", "not a valid URL"],
    ["*,http://localhost:3000", "cannot be combined"],
  ])("refuses %j with a CliError naming it", (value, why) => {
    expect(() => parseCli(["--cors-origin", value], {})).toThrow(CliError);
    expect(() => parseCli(["--cors-origin", value], {})).toThrow(why);
    expect(() => parseCli(["--cors-origin", value], {})).toThrow(value.split(",")[0] as string);
    expect(() => parseCli([], { GRAPH_EMULATOR_CORS_ORIGINS: value })).toThrow(/^GRAPH_EMULATOR_CORS_ORIGINS: /);
  });

  it("refuses an empty flag", () => {
    expect(() => parseCli(["--cors-origin", " , "], {})).toThrow(/--cors-origin needs one or more origins/);
  });

  it("startEmulator refuses a bad origin given programmatically", async () => {
    await expect(startEmulator({ port: 0, dataDir: null, inMemory: true, quiet: true, corsOrigins: ["not an origin"] })).rejects.toThrow(/corsOrigins: 'not an origin' is not an origin/);
  });
});
