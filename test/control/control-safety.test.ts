import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import { startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** The control plane cannot be driven by other sites, and beyond loopback it needs the start-up token. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe("cross-site requests", () => {
  it("refuses a browser request from another origin, including a plain form post", async () => {
    const res = await fetch(`${emu.adminUrl}/reset`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("Forbidden");
    const fetchMeta = await fetch(`${emu.adminUrl}/faults`, { method: "POST", headers: { "sec-fetch-site": "cross-site", "content-type": "application/json" }, body: JSON.stringify({ fault: "latency" }) });
    expect(fetchMeta.status).toBe(403);
    expect(await emu.admin.faults()).toEqual([]);
  });

  it("accepts the emulator's own origin and clients that send none", async () => {
    expect((await fetch(`${emu.adminUrl}/clock`, { headers: { origin: emu.baseUrl } })).status).toBe(200);
    expect((await fetch(`${emu.adminUrl}/clock`)).status).toBe(200);
  });
});

describe("listening beyond loopback", () => {
  let wide: RunningEmulator;
  beforeAll(async () => {
    // 127.0.0.2 is still this machine, but not the default loopback address, so the token rule applies.
    wide = await startEmulator({ port: 0, host: "127.0.0.2", dataDir: emu.dataDir, inMemory: true, quiet: true });
  });
  afterAll(async () => {
    await wide.close();
  });

  function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `https://127.0.0.2:${wide.port}${path}`,
        { ca: wide.caCert, servername: "localhost", checkServerIdentity: () => undefined, headers },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, cookie: res.headers["set-cookie"]?.[0] }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("requires the token printed at start, except for health", async () => {
    expect(wide.controlToken).toBeTruthy();
    expect((await get("/_emulator/health")).status).toBe(200);
    expect((await get("/_emulator/tenants")).status).toBe(401);
    expect((await get("/_emulator/tenants", { "x-emulator-token": "wrong" })).status).toBe(401);
    expect((await get("/_emulator/tenants", { "x-emulator-token": wide.controlToken! })).status).toBe(200);
    expect((await wide.admin.tenants()).length).toBeGreaterThan(0);
  });

  it("a browser passes the token once in the URL and keeps it in a cookie", async () => {
    const first = await get(`/_emulator/ui?token=${wide.controlToken}`);
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(/^emulator_control=/);
    const cookie = (first.cookie as string).split(";")[0] as string;
    expect((await get("/_emulator/ui", { cookie })).status).toBe(200);
  });
});
