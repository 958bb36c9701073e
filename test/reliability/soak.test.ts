import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { MAX_REFRESH_TOKENS_PER_USER_AND_APP } from "../../emulator/src/identity/issue.ts";
import { CONTOSO, startTestEmulator } from "../support/emulator.ts";

/**
 * Bounded state under sustained traffic, and `npm run soak` in miniature: the real script (its own emulator in a child
 * process, the full traffic mix) for a few seconds, which must end with exit
 * code 0 and no error. The 5-minute run with its memory verdict is `npm run soak`.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "graph-emulator-soak-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SoakResult {
  requests: number;
  errors: { total: number; server5xx: number; transport: number; unexpected: number; samples: unknown[] };
  operations: { name: string; count: number }[];
  state: { start: Record<string, number>; end: Record<string, number> };
  verdict: { pass: boolean; reasons: string[] };
}

it("a short soak drives every kind of request with zero errors and exits 0", async () => {
  const out = join(dir, "soak.json");
  const child = spawn(process.execPath, ["--import", "tsx", "bench/soak.ts", "--minutes", "0.15", "--connections", "2", "--out", out], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr.on("data", (c: Buffer) => (log += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  expect(code, log).toBe(0);
  expect(log).toMatch(/^ {2}errors +0 {2}\(5xx 0, transport 0, unexpected status 0\)$/m);
  expect(log).toMatch(/^ {2}verdict +PASS$/m);

  const result = JSON.parse(readFileSync(out, "utf8")) as SoakResult;
  expect(result.errors.total).toBe(0);
  expect(result.verdict).toEqual({ pass: true, reasons: [] });
  expect(result.requests).toBeGreaterThan(50);
  const seen = result.operations.map((o) => o.name);
  for (const op of ["token client_credentials", "token password", "GET /me", "GET /users?$filter"]) expect(seen).toContain(op);
  expect(seen.some((name) => name.startsWith("bad: "))).toBe(true);
  // What the soak creates it deletes again.
  expect(result.state.end.users).toBe(result.state.start.users);
}, 90_000);

it("refresh tokens per user and app are bounded: the least recently used are forgotten", async () => {
  const emu = await startTestEmulator();
  try {
    await emu.admin.grantConsent(CONTOSO.id, { clientId: CONTOSO.webApp.clientId, consentType: "AllPrincipals", scopes: ["User.Read"] });
    const grant = async (params: Record<string, string>) => {
      const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, scope: "User.Read offline_access", ...params }),
      });
      return { status: res.status, body: (await res.json()) as { refresh_token?: string; error?: string } };
    };
    const password = { grant_type: "password", username: CONTOSO.adele.upn, password: CONTOSO.adele.password };
    const first = await grant(password);
    const kept = await grant(password);
    const half = MAX_REFRESH_TOKENS_PER_USER_AND_APP / 2;
    for (let i = 0; i < half; i++) await grant(password);
    // Using a token makes it recent: it outlives the tokens issued before that use.
    expect((await grant({ grant_type: "refresh_token", refresh_token: kept.body.refresh_token as string })).status).toBe(200);
    let last = kept;
    // 2 + half + 1 (the refresh's new token) + this many = the bound + 2: `first` and the oldest unused go.
    for (let i = 0; i < MAX_REFRESH_TOKENS_PER_USER_AND_APP - half - 1; i++) last = await grant(password);
    const snapshot = await emu.admin.snapshot();
    const mine = snapshot.tenants.find((t) => t.id === CONTOSO.id)!.refreshTokens.filter((r) => r.userId === CONTOSO.adele.id && r.clientId === CONTOSO.webApp.clientId);
    expect(mine).toHaveLength(MAX_REFRESH_TOKENS_PER_USER_AND_APP);
    expect((await grant({ grant_type: "refresh_token", refresh_token: first.body.refresh_token as string })).body.error).toBe("invalid_grant");
    expect((await grant({ grant_type: "refresh_token", refresh_token: kept.body.refresh_token as string })).status).toBe(200);
    expect((await grant({ grant_type: "refresh_token", refresh_token: last.body.refresh_token as string })).status).toBe(200);
  } finally {
    await emu.close();
  }
});
