import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { MicrosoftFunctions, parseSettings, scopesForMode, SettingsError } from "../src/index.ts";

const base = {
  clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71",
  clientSecret: "very-secret-value",
  redirectUri: "https://app.example.com/auth/aad",
};

function issues(input: unknown): string[] {
  try {
    parseSettings(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as SettingsError).issues;
  }
  throw new Error("expected a SettingsError");
}

describe("settings", () => {
  it("fills in defaults", () => {
    expect(parseSettings(base)).toMatchObject({
      tenantId: "common",
      scopes: ["User.Read"],
      modes: {},
      authorityHost: "https://login.microsoftonline.com",
      graphBaseUrl: "https://graph.microsoft.com/v1.0",
      retry: { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 },
      renewal: { renewAfterDays: 7 },
    });
  });

  it.each(["common", "organizations", "consumers", "contoso.onmicrosoft.com", "contoso.com", "6E8C4F2A-1B3D-4C5E-9F7A-0B1C2D3E4F50"])(
    "accepts tenantId %s",
    (tenantId) => {
      expect(parseSettings({ ...base, tenantId }).tenantId).toBe(tenantId);
    },
  );

  it.each(["", "not a tenant", "https://login.microsoftonline.com/x", "contoso"])("refuses tenantId '%s' with a helpful message", (tenantId) => {
    const [issue] = issues({ ...base, tenantId });
    expect(issue).toMatch(/^tenantId: must be 'common', 'organizations', 'consumers', a verified domain .* or the directory \(tenant\) GUID/);
  });

  it("requires appTenantId to be a GUID", () => {
    expect(issues({ ...base, appTenantId: "common" })[0]).toMatch(/^appTenantId: must be the directory \(tenant\) GUID/);
    expect(issues({ ...base, appTenantId: "contoso.onmicrosoft.com" })[0]).toMatch(/'common', domains and other values cannot be used/);
    expect(parseSettings({ ...base, appTenantId: "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50" }).appTenantId).toBe("6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50");
  });

  it("lists every problem at once, names the field, and never echoes the secret", () => {
    const list = issues({ clientId: "abc", clientSecret: "", redirectUri: "not a url", scopes: ["User.Read Mail.Read"], authorityHost: "http://login.example.com" });
    expect(list).toEqual([
      expect.stringMatching(/^clientId: must be the application \(client\) ID GUID/),
      expect.stringMatching(/^clientSecret: is required/),
      expect.stringMatching(/^redirectUri: must be an absolute URL/),
      expect.stringMatching(/^scopes\.0: one scope per entry/),
      expect.stringMatching(/^authorityHost: authorityHost must be an absolute https:\/\/ URL/),
    ]);
    const message = (() => {
      try {
        parseSettings({ ...base, clientSecret: 42 });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/clientSecret/);
    expect(issues({ ...base, clientId: undefined })).toEqual(["clientId: is required"]);
    expect(issues({ ...base, extra: true })[0]).toMatch(/extra/);
  });

  it("graphBaseUrl must be https and name the version", () => {
    expect(issues({ ...base, graphBaseUrl: "https://graph.microsoft.com" })[0]).toMatch(/must end with the API version/);
    expect(parseSettings({ ...base, graphBaseUrl: "https://localhost:8443/v1.0/" }).graphBaseUrl).toBe("https://localhost:8443/v1.0");
  });

  it("caCertificate must be a PEM", () => {
    expect(issues({ ...base, caCertificate: "hello" })[0]).toMatch(/^caCertificate: must be a PEM certificate/);
  });

  it("drops OIDC scopes MSAL adds anyway, and duplicates", () => {
    expect(parseSettings({ ...base, scopes: ["openid", "User.Read", "offline_access", "user.read", "Calendars.Read"] }).scopes).toEqual([
      "User.Read",
      "Calendars.Read",
    ]);
  });

  it("mode rule: default scopes unless the mode has overrideDefault; a mode without it adds its scopes", () => {
    const s = parseSettings({
      ...base,
      scopes: ["User.Read", "Calendars.Read"],
      modes: { Dev: { overrideDefault: true, scopes: ["Calendars.Read", "Calendars.ReadWrite"] }, More: { scopes: ["Calendars.ReadWrite"] } },
    });
    expect(scopesForMode(s)).toEqual(["User.Read", "Calendars.Read"]);
    expect(scopesForMode(s, "Dev")).toEqual(["Calendars.Read", "Calendars.ReadWrite"]);
    expect(scopesForMode(s, "More")).toEqual(["User.Read", "Calendars.Read", "Calendars.ReadWrite"]);
    expect(() => scopesForMode(s, "Prod")).toThrow(/mode 'Prod' is not configured \(known modes: Dev, More\)/);
  });

  it("the client never shows its secret when logged", () => {
    const client = new MicrosoftFunctions(base);
    expect(inspect(client)).not.toContain("very-secret-value");
    expect(JSON.stringify(client)).not.toContain("very-secret-value");
    expect(inspect(client)).toContain("(hidden)");
  });
});
