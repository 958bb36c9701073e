import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { MicrosoftFunctions, type SettingsInput } from "../client/src/index.ts";
import { FormBrowser, parseForms, redirectParams } from "../test/support/browser.ts";
import { ownEmulator } from "./own-emulator.ts";
import { resolveTarget, type ContractTarget } from "./target.ts";

/**
 * The five error codes that the Microsoft functions document, through the
 * public client, each from a real cause. Causes that need a state change
 * (revocation, a deleted service principal) run against the emulator only.
 */
let target: ContractTarget;
let close = async () => {};
let caFile: string | undefined;
beforeAll(async () => {
  if (process.env.GRAPH_CONTRACT_TARGET === "live") {
    target = await resolveTarget();
    return;
  }
  const own = await ownEmulator();
  close = own.close;
  caFile = own.env.GRAPH_EMULATOR_CA_FILE;
  target = await resolveTarget(own.env);
});
afterAll(() => close());

const REDIRECT = "http://localhost/callback";

function settings(overrides: Partial<SettingsInput> = {}): SettingsInput {
  const emulator = target.kind === "emulator";
  return {
    tenantId: target.tenantId,
    appTenantId: target.tenantId,
    clientId: target.app.clientId,
    clientSecret: target.app.clientSecret,
    redirectUri: REDIRECT,
    scopes: ["User.Read"],
    retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 20 },
    ...(emulator
      ? { authorityHost: target.authorityHost, graphBaseUrl: target.graphBaseUrl, caCertificate: readFileSync(caFile as string, "utf8") }
      : {}),
    ...overrides,
  };
}

/** Signs the tenant's test user in through the emulator's pages (a browser's job against Microsoft). */
async function signIn(client: MicrosoftFunctions, userId: string): Promise<void> {
  const admin = target.admin!;
  const tenant = (await admin.tenants()).find((t) => t.id === target.tenantId)!;
  const { url } = await client.signIn.getSignInUrl({ userId });
  const browser = new FormBrowser(target.authorityHost);
  let step = await browser.signIn(await browser.get(url), `AdeleV@${tenant.defaultDomain}`, "Passw0rd!");
  if (step.status === 200 && parseForms(step.html).some((f) => f.buttons.some((b) => b.name === "consent"))) step = await browser.consent(step, true);
  redirectParams(step);
  await client.signIn.handleRedirect(step.location!);
}

const emulatorOnly = (ctx: { skip: (note?: string) => void }) => {
  if (!target.admin) ctx.skip("needs the emulator's control plane to cause it");
};

describe("the Microsoft functions' documented error codes", () => {
  it("TenantNotFound is thrown for an unknown tenantId and an unknown appTenantId", async () => {
    const client = new MicrosoftFunctions(settings({ tenantId: target.unknownTenantId }));
    await expect(client.signIn.getSignInUrl({ userId: "u-tnf" })).rejects.toMatchObject({ code: "TenantNotFound" });
    const app = new MicrosoftFunctions(settings({ appTenantId: target.unknownTenantId }));
    await expect(app.users.getUser({ userId: "someone@example.com" })).rejects.toMatchObject({ code: "TenantNotFound", aadsts: 90002 });
  });

  it("Authorization_RequestDenied comes back in the data when the app lacks the permission", async (ctx) => {
    emulatorOnly(ctx);
    await target.admin!.setAppRoles(target.tenantId, target.app.clientId, []);
    try {
      const client = new MicrosoftFunctions(settings());
      const result = await client.users.listUsers({});
      expect(result).toMatchObject({ ok: false, error: { code: "Authorization_RequestDenied", status: 403 } });
    } finally {
      await target.admin!.setAppRoles(target.tenantId, target.app.clientId, ["User.Read.All"]);
    }
  });

  it("Authorization_IdentityNotFound comes back in the data when the app's service principal is gone", async (ctx) => {
    emulatorOnly(ctx);
    const app = await target.admin!.createApplication(target.tenantId, { displayName: "Short-lived", applicationPermissions: ["User.Read.All"], adminConsent: true, redirectUris: [REDIRECT] });
    const client = new MicrosoftFunctions(settings({ clientId: app.appId, clientSecret: app.clientSecret! }));
    expect((await client.users.listUsers({})).ok).toBe(true);
    await target.admin!.deleteServicePrincipal(target.tenantId, app.appId);
    expect(await client.users.listUsers({})).toMatchObject({ ok: false, error: { code: "Authorization_IdentityNotFound", status: 401 } });
  });

  it("RefreshTokenInvalid is thrown after the user's sessions are revoked", async (ctx) => {
    emulatorOnly(ctx);
    const client = new MicrosoftFunctions(settings());
    await signIn(client, "u-rti");
    expect((await client.users.getSignedInUser({ authUserId: "u-rti" })).ok).toBe(true);
    const me = await client.users.getSignedInUser({ authUserId: "u-rti" });
    await target.admin!.revokeSignInSessions(target.tenantId, (me as { data: { id: string } }).data.id);
    // The cached access token still lives; the next token the client needs must come from the revoked refresh token.
    await expect(client.getUserAccessToken("u-rti", { forceRefresh: true })).rejects.toMatchObject({ code: "RefreshTokenInvalid", aadsts: 50173 });
  });

  it("ScopeInvalid is thrown when a scope is added to the settings after sign-in", async (ctx) => {
    emulatorOnly(ctx);
    const first = new MicrosoftFunctions(settings());
    const store = first.tokenStore;
    await signIn(first, "u-si");
    const later = new MicrosoftFunctions(settings({ scopes: ["User.Read", "Calendars.Read"] }), { tokenStore: store });
    await expect(later.users.getSignedInUser({ authUserId: "u-si" })).rejects.toMatchObject({ code: "ScopeInvalid", aadsts: 65001 });
  });
});
