import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { AdminError } from "../../emulator/src/index.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";

/** Tenants created and lost on demand, and whole-state snapshots. */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe("tenants on demand", () => {
  it("a cloned tenant has its own domain, users and app ids, and works with MSAL", async () => {
    const t = await emu.admin.createTenant({ from: CONTOSO.domain, displayName: "Clone" });
    expect(t.displayName).toBe("Clone");
    expect(t.defaultDomain).toMatch(/\.onmicrosoft\.com$/);
    expect(t.users.find((u) => u.id === CONTOSO.adele.id)?.userPrincipalName).toBe(`AdeleV@${t.defaultDomain}`);
    const daemon = t.applications.find((a) => a.sourceAppId === CONTOSO.daemon.clientId)!;
    expect(daemon.appId).not.toBe(CONTOSO.daemon.clientId);
    const app = new ConfidentialClientApplication({
      auth: { clientId: daemon.appId, clientSecret: daemon.clientSecret!, authority: emu.authority(t.id), knownAuthorities: [new URL(emu.baseUrl).host] },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    expect(decodeJwt(result!.accessToken).tid).toBe(t.id);
    expect((await emu.admin.tenants()).map((x) => x.id)).toContain(t.id);
  });

  it("a deleted tenant is gone for Entra too (AADSTS90002)", async () => {
    const t = await emu.admin.createTenant();
    await emu.admin.deleteTenant(t.id);
    const res = await fetch(`${emu.baseUrl}/${t.id}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    const err = await emu.admin.deleteTenant(t.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).status).toBe(404);
  });

  it("refuses a clone of an unknown tenant and unknown fields", async () => {
    await expect(emu.admin.createTenant({ from: "nope.example" })).rejects.toMatchObject({ status: 404 });
    const res = await fetch(`${emu.adminUrl}/tenants`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ colour: "red" }) });
    expect(res.status).toBe(400);
  });
});

describe("snapshots", () => {
  it("saves the whole state and loads it back after a reset", async () => {
    const user = await emu.admin.createUser(CONTOSO.id, { displayName: "Snap Shot", userPrincipalName: `snap@${CONTOSO.domain}`, password: "Passw0rd!" });
    const snapshot = await emu.admin.snapshot();
    await emu.admin.reset();
    expect((await (await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`)).json() as { id: string }[]).some((u) => u.id === user.id)).toBe(false);
    await emu.admin.loadSnapshot(snapshot);
    expect((await (await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`)).json() as { id: string }[]).some((u) => u.id === user.id)).toBe(true);
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", client_id: CONTOSO.teamTools.clientId, client_secret: CONTOSO.teamTools.secret, username: `snap@${CONTOSO.domain}`, password: "Passw0rd!", scope: "User.Read" }),
    });
    expect(res.status).toBe(200);
  });

  it("refuses a snapshot that is not one, with a 400 naming the problem", async () => {
    const res = await fetch(`${emu.adminUrl}/snapshot`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version: 2, tenants: [] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/version|tenants/);
  });
});
