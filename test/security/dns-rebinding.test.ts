import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/**
 * DNS rebinding: a web page whose name is re-pointed at 127.0.0.1 talks to the
 * emulator as its own origin, with its own name in Host. On loopback the
 * control plane and dashboard answer only to localhost, 127.0.0.1, [::1] and
 * the configured host (with or without the port); Graph and the identity
 * endpoints keep answering any name.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

function get(path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`https://localhost:${emu.port}${path}`, { method, ca: emu.caCert, servername: "localhost", headers: { ...headers, ...(body ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("a foreign Host on loopback", () => {
  it("is refused by the control plane (421), even with a matching Origin, and changes nothing", async () => {
    const evil = { host: `rebind.evil.example:${emu.port}`, origin: `https://rebind.evil.example:${emu.port}` };
    const read = await get("/_emulator/tenants", evil);
    expect(read.status).toBe(421);
    expect(JSON.parse(read.body)).toMatchObject({ error: { code: "MisdirectedRequest" } });
    expect(JSON.parse(read.body).error.message).toContain("rebind.evil.example");
    expect((await get("/_emulator/faults", evil, "POST", JSON.stringify({ fault: "latency" }))).status).toBe(421);
    expect(await emu.admin.faults()).toEqual([]);
    expect((await get("/_emulator/health", { host: "rebind.evil.example" })).status).toBe(421);
  });

  it("is refused by the dashboard pages", async () => {
    expect((await get("/_emulator/ui", { host: `rebind.evil.example:${emu.port}` })).status).toBe(421);
    expect((await get("/_emulator/ui/tenants", { host: "127.0.0.1.nip.io" })).status).toBe(421);
  });

  it("leaves the local names working, with and without the port", async () => {
    for (const host of ["localhost", `localhost:${emu.port}`, `127.0.0.1:${emu.port}`, `[::1]:${emu.port}`, `LOCALHOST:${emu.port}`]) {
      expect((await get("/_emulator/clock", { host })).status, host).toBe(200);
    }
    expect((await get("/_emulator/ui", { host: `localhost:${emu.port}` })).status).toBe(200);
    // Another port on a local name is not this emulator.
    expect((await get("/_emulator/clock", { host: "localhost:1" })).status).toBe(421);
  });

  it("does not apply to Graph and the identity endpoints", async () => {
    const host = { host: `graph.contoso.example:${emu.port}` };
    const graph = await get("/v1.0/me", host);
    expect(graph.status).toBe(401);
    expect(JSON.parse(graph.body).error.code).toBe("InvalidAuthenticationToken");
    const discovery = await get(`/${CONTOSO.id}/v2.0/.well-known/openid-configuration`, host);
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body).issuer).toContain(CONTOSO.id);
  });
});
