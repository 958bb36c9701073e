import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedTenant } from "../../emulator/src/index.ts";
import { appOf, sharedEmulator } from "./shared.ts";

/**
 * The body of isolation-a and isolation-b, two files that vitest runs in
 * parallel against the one shared emulator. Each works in a tenant of its
 * own, changes it heavily, and must never see the other's changes.
 */
export function defineIsolationSuite(me: "a" | "b"): void {
  const { baseUrl, admin } = sharedEmulator();
  const other = me === "a" ? "b" : "a";
  let tenant: CreatedTenant;

  beforeAll(async () => {
    tenant = await admin.createTenant({ displayName: `Isolation ${me}` });
  });
  afterAll(async () => {
    await admin.deleteTenant(tenant.id);
  });

  describe(`isolated tenant ${me}`, () => {
    it("creates users and adds faults only in its own tenant", async () => {
      for (let i = 0; i < 20; i++) {
        await admin.createUser(tenant.id, { displayName: `User ${me}${i}`, userPrincipalName: `user-${me}-${i}@${tenant.defaultDomain}`, password: "Passw0rd!" });
        await new Promise((r) => setTimeout(r, 5));
      }
      const fault = await admin.addFault({ fault: "invalid_client", match: { tenant: tenant.id } });
      const daemon = appOf(tenant, "Contoso Calendar Daemon");
      const token = async () =>
        (
          await fetch(`${baseUrl}/${tenant.id}/oauth2/v2.0/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ grant_type: "client_credentials", client_id: daemon.appId, client_secret: daemon.clientSecret, scope: "https://graph.microsoft.com/.default" }),
          })
        ).status;
      expect(await token()).toBe(401);
      await admin.removeFault(fault.id);
      expect(await token()).toBe(200);

      const users = (await (await fetch(`${baseUrl}/_emulator/tenants/${tenant.id}/users`)).json()) as { userPrincipalName: string }[];
      expect(users.filter((u) => u.userPrincipalName.startsWith(`user-${me}-`))).toHaveLength(20);
      expect(users.some((u) => u.userPrincipalName.startsWith(`user-${other}-`))).toBe(false);
      // The fixture tenant the clone came from is untouched.
      const contoso = (await (await fetch(`${baseUrl}/_emulator/tenants/contoso.onmicrosoft.com/users`)).json()) as { userPrincipalName: string }[];
      expect(contoso.some((u) => u.userPrincipalName.startsWith("user-"))).toBe(false);
    });
  });
}
