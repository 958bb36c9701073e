import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithCode } from "../../emulator/src/testing/index.ts";
import { appOf, ownEmulator, type OwnEmulator } from "./own-emulator.ts";

/**
 * MSAL Python (the `msal` module, Debian's python3-msal in CI) against the emulator
 * (docs/clients.md): `instance_discovery=False`, the CA trusted through REQUESTS_CA_BUNDLE, and
 * for the username/password flow a way around its user-realm lookup, which drops the port.
 * Each case runs test/clients/python/msal_flows.py, which prints one JSON answer.
 */
const SCRIPT = fileURLToPath(new URL("./python/msal_flows.py", import.meta.url));

/** The first Python that has msal and requests: $PYTHON, Debian's, then the one on PATH. */
function findPython(): { bin: string; version: string } | undefined {
  for (const bin of [process.env.PYTHON, "/usr/bin/python3", "python3"]) {
    if (!bin) continue;
    const probe = spawnSync(bin, ["-c", "import msal, requests; print(msal.__version__)"], { encoding: "utf8", timeout: 20_000 });
    if (probe.status === 0) return { bin, version: probe.stdout.trim() };
  }
  return undefined;
}

const python = findPython();
let own: OwnEmulator;
/** A CA bundle of the public roots only (Node's), as a machine-wide REQUESTS_CA_BUNDLE would be. */
let publicRoots: string;

interface FlowAnswer {
  graph?: { status: number; body: Record<string, unknown> };
  claims?: Record<string, unknown>;
  error?: string;
  error_description?: string;
  flow?: Record<string, unknown> & { auth_uri: string };
}

/** Runs one flow; resolves with the JSON answer, or with the Python error's text when it raised. */
function runFlow(command: Record<string, unknown>, env: Record<string, string | undefined> = { REQUESTS_CA_BUNDLE: own.emu.caFile }): Promise<FlowAnswer & { raised?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python!.bin, [SCRIPT], {
      // The caller's environment less any CA setting of its own, so each case says what it trusts.
      env: { ...process.env, REQUESTS_CA_BUNDLE: undefined, CURL_CA_BUNDLE: undefined, SSL_CERT_FILE: undefined, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as FlowAnswer) : resolve({ raised: err.trim().split("\n").at(-1) ?? err })));
    child.stdin.end(JSON.stringify({ baseUrl: own.baseUrl, tenant: own.tenant.id, ...command }));
  });
}

const title = python
  ? `MSAL Python ${python.version} (${python.bin}) against the emulator`
  : "MSAL Python (skipped: no python3 with the msal and requests modules; apt-get install python3-msal, or set PYTHON)";

describe.skipIf(!python)(title, () => {
  own = ownEmulator("MSAL Python");
  beforeAll(() => {
    publicRoots = join(mkdtempSync(join(tmpdir(), "graph-emulator-python-")), "roots.pem");
    writeFileSync(publicRoots, rootCertificates.join("\n"));
  });
  afterAll(() => {
    rmSync(join(publicRoots, ".."), { recursive: true, force: true });
  });

  async function publicClient(): Promise<string> {
    const app = await own.admin.createApplication(own.tenant.id, {
      displayName: `Python public client ${Math.random().toString(36).slice(2, 8)}`,
      clientSecret: null,
      delegatedPermissions: ["User.Read"],
      adminConsent: true,
    });
    return app.appId;
  }

  it("client credentials: ConfidentialClientApplication(instance_discovery=False).acquire_token_for_client, then Graph", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const answer = await runFlow({ flow: "client_credentials", clientId: daemon.appId, secret: daemon.clientSecret });
    expect(answer.raised).toBeUndefined();
    expect(answer.graph?.status).toBe(200);
    expect((answer.graph?.body.value as unknown[]).length).toBe(1);
  });

  it("verify= (a CA file) trusts the emulator as well, while REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE are unset", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const answer = await runFlow({ flow: "client_credentials", clientId: daemon.appId, secret: daemon.clientSecret, verify: own.emu.caFile }, {});
    expect(answer.raised).toBeUndefined();
    expect(answer.graph?.status).toBe(200);
  });

  it("verify= loses to a REQUESTS_CA_BUNDLE set in the environment (requests prefers it)", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const answer = await runFlow(
      { flow: "client_credentials", clientId: daemon.appId, secret: daemon.clientSecret, verify: own.emu.caFile },
      { REQUESTS_CA_BUNDLE: publicRoots },
    );
    expect(answer.raised).toMatch(/SSLError.*CERTIFICATE_VERIFY_FAILED/);
  });

  it("without REQUESTS_CA_BUNDLE (or verify=) requests refuses the emulator's certificate", async () => {
    const daemon = appOf(own.tenant, "Contoso Calendar Daemon");
    const answer = await runFlow({ flow: "client_credentials", clientId: daemon.appId, secret: daemon.clientSecret }, {});
    expect(answer.raised).toMatch(/SSLError.*CERTIFICATE_VERIFY_FAILED/);
  });

  it("authorization code: initiate_auth_code_flow, the sign-in page driven over HTTP, acquire_token_by_auth_code_flow", async () => {
    const web = appOf(own.tenant, "Contoso Web Portal");
    const common = { clientId: web.appId, secret: web.clientSecret, redirectUri: "http://localhost:3000/auth/callback" };
    const started = await runFlow({ flow: "auth_code_start", ...common });
    expect(started.raised).toBeUndefined();
    expect(started.flow?.auth_uri.startsWith(`${own.baseUrl}/${own.tenant.id}/oauth2/v2.0/authorize?`)).toBe(true);
    const { redirectUrl, params } = await signInWithCode({ authorizeUrl: started.flow!.auth_uri, username: own.adele.userPrincipalName, password: "Passw0rd!" });
    expect(redirectUrl.startsWith(common.redirectUri)).toBe(true);
    const finished = await runFlow({ flow: "auth_code_finish", ...common, authCodeFlow: started.flow, authResponse: Object.fromEntries(params) });
    expect(finished.raised).toBeUndefined();
    expect(finished.error).toBeUndefined();
    expect(finished.claims).toMatchObject({ oid: own.adele.id, tid: own.tenant.id, preferred_username: own.adele.userPrincipalName });
    expect(finished.graph?.status).toBe(200);
    expect(finished.graph?.body).toMatchObject({ id: own.adele.id });
  });

  it("username/password: the user-realm lookup goes to port 443 of the emulator's host, whatever port the authority names", async () => {
    const answer = await runFlow({ flow: "ropc", clientId: await publicClient(), username: own.adele.userPrincipalName, password: "Passw0rd!" });
    expect(answer.raised).toMatch(/port=443\).*\/common\/userrealm\//);
  });

  it("username/password: with an http_client that puts the emulator's port back, acquire_token_by_username_password works", async () => {
    const answer = await runFlow({ flow: "ropc", fixPort: true, clientId: await publicClient(), username: own.adele.userPrincipalName, password: "Passw0rd!" });
    expect(answer.raised).toBeUndefined();
    expect(answer.graph?.status).toBe(200);
    expect(answer.graph?.body).toMatchObject({ id: own.adele.id, userPrincipalName: own.adele.userPrincipalName });
  });
});
