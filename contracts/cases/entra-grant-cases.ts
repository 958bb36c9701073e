import { randomUUID } from "node:crypto";
import { get, testUser, tokenPost, type WireResponse } from "../http.ts";
import { authorizationCode, pkce, REDIRECT } from "../sign-in.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";
import { afterClockMoves } from "./clock.ts";

const SCRIPTED = "needs an authorization code, which only a scripted sign-in on the emulator's pages gives";

const redeem = (t: ContractTarget, code: string, extra: Record<string, string> = {}) =>
  tokenPost(t, t.tenantId, {
    grant_type: "authorization_code",
    client_id: t.app.clientId,
    client_secret: t.app.clientSecret,
    code,
    redirect_uri: REDIRECT,
    scope: "User.Read",
    ...extra,
  });

const password = (t: ContractTarget, username: string, secret: string) =>
  tokenPost(t, t.tenantId, { grant_type: "password", client_id: t.app.clientId, client_secret: t.app.clientSecret, username, password: secret, scope: "User.Read" });

/** Entra ID error paths of the grants: client credentials, authorization code, password, and unreadable requests. */
export const ENTRA_GRANT_CASES: ErrorCase[] = [
  {
    id: "entra-7000222",
    wire: "entra", area: "Entra ID: client authentication",
    title: "an expired client secret",
    status: 401, code: "invalid_client", aadsts: 7000222,
    message: /^The provided client secret keys for app '[0-9a-f-]{36}' are expired\./,
    needsControlPlane: true,
    run: async (t) => {
      const app = await t.admin!.createApplication(t.tenantId, { displayName: "Expired secret", clientSecretEndDateTime: "2020-01-01T00:00:00Z", applicationPermissions: ["User.Read.All"], adminConsent: true });
      return tokenPost(t, t.tenantId, { grant_type: "client_credentials", client_id: app.appId, client_secret: app.clientSecret!, scope: "https://graph.microsoft.com/.default" });
    },
  },
  {
    id: "entra-7000229",
    wire: "entra", area: "Entra ID: client authentication",
    title: "client credentials for an app whose service principal was deleted",
    status: 401, code: "invalid_client", aadsts: 7000229,
    message: /^The client application [0-9a-f-]{36} is missing service principal in the tenant [0-9a-f-]{36}\. See instructions here: https:\/\/go\.microsoft\.com\/fwlink\/\?linkid=2225119$/,
    needsControlPlane: true,
    run: async (t) => {
      const app = await t.admin!.createApplication(t.tenantId, { displayName: "No service principal", applicationPermissions: ["User.Read.All"], adminConsent: true });
      await t.admin!.deleteServicePrincipal(t.tenantId, app.appId);
      return tokenPost(t, t.tenantId, { grant_type: "client_credentials", client_id: app.appId, client_secret: app.clientSecret!, scope: "https://graph.microsoft.com/.default" });
    },
  },
  {
    id: "entra-500112",
    wire: "entra", area: "Entra ID: authorization code",
    title: "redeeming a code with another redirect URI",
    status: 400, code: "invalid_client", aadsts: 500112,
    message: /^The reply address 'http:\/\/localhost\/other' does not match the reply address 'http:\/\/localhost\/callback' provided when requesting Authorization code\.$/,
    notLive: SCRIPTED,
    run: async (t) => redeem(t, await authorizationCode(t), { redirect_uri: "http://localhost/other" }),
  },
  {
    id: "entra-54005",
    wire: "entra", area: "Entra ID: authorization code",
    title: "redeeming a code twice",
    status: 400, code: "invalid_grant", aadsts: 54005,
    message: /^OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token\.$/,
    notLive: SCRIPTED,
    run: async (t) => {
      const code = await authorizationCode(t);
      const first = await redeem(t, code);
      if (first.status !== 200) return first;
      return redeem(t, code);
    },
  },
  {
    id: "entra-70008",
    wire: "entra", area: "Entra ID: authorization code",
    title: "redeeming a code after it expired",
    status: 400, code: "invalid_grant", aadsts: 70008,
    message: /^The provided authorization code or refresh token has expired due to inactivity\./,
    needsControlPlane: true,
    run: async (t) => {
      const code = await authorizationCode(t);
      return afterClockMoves(t, "PT11M", () => redeem(t, code));
    },
  },
  {
    id: "entra-501481",
    wire: "entra", area: "Entra ID: authorization code",
    title: "a PKCE verifier that does not match the challenge",
    status: 400, code: "invalid_grant", aadsts: 501481,
    message: /^The Code_Verifier does not match the code_challenge supplied in the authorization request\.$/,
    notLive: SCRIPTED,
    run: async (t) => {
      const code = await authorizationCode(t, { code_challenge: pkce().challenge, code_challenge_method: "S256" });
      return redeem(t, code, { code_verifier: pkce().verifier });
    },
  },
  {
    id: "entra-50148",
    wire: "entra", area: "Entra ID: authorization code",
    title: "a code issued with a PKCE challenge, redeemed without the verifier",
    status: 400, code: "invalid_grant", aadsts: 50148,
    message: /^The code_verifier does not match the code_challenge supplied in the authorization request for PKCE\.$/,
    notLive: SCRIPTED,
    run: async (t) => redeem(t, await authorizationCode(t, { code_challenge: pkce().challenge, code_challenge_method: "S256" })),
  },
  {
    id: "entra-50126",
    wire: "entra", area: "Entra ID: password grant",
    title: "a wrong password",
    status: 400, code: "invalid_grant", aadsts: 50126,
    message: /^Error validating credentials due to invalid username or password\.$/,
    run: async (t) => password(t, (await testUser(t)).userPrincipalName, `wrong-${randomUUID()}`),
  },
  {
    id: "entra-50034",
    wire: "entra", area: "Entra ID: password grant",
    title: "a user who does not exist in the tenant",
    status: 400, code: "invalid_grant", aadsts: 50034,
    message: /^The user account \{EUII Hidden\} does not exist in the .+ directory\. To sign into this application, the account must be added to the directory\.$/,
    run: async (t) => password(t, `nobody-${randomUUID().slice(0, 8)}@${(await testUser(t)).userPrincipalName.split("@")[1]}`, "whatever"),
  },
  {
    id: "entra-50057",
    wire: "entra", area: "Entra ID: password grant",
    title: "a disabled account",
    status: 400, code: "invalid_grant", aadsts: 50057,
    message: /^The user account is disabled\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const tenant = (await t.admin!.tenants()).find((x) => x.id === t.tenantId)!;
      const upn = `disabled-${randomUUID().slice(0, 8)}@${tenant.defaultDomain}`;
      await t.admin!.createUser(t.tenantId, { displayName: "Disabled user", userPrincipalName: upn, password: "Passw0rd!", accountEnabled: false });
      return password(t, upn, "Passw0rd!");
    },
  },
  {
    id: "entra-900561",
    wire: "entra", area: "Entra ID: token endpoint",
    title: "GET on the token endpoint",
    status: 400, code: "invalid_request", aadsts: 900561,
    message: /^The endpoint only accepts POST, OPTIONS requests\. Received a GET request\.$/,
    run: (t) => get(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`),
  },
  {
    id: "entra-9002313-body",
    wire: "entra", area: "Entra ID: token endpoint",
    title: "client_secret_basic credentials that do not decode",
    status: 400, code: "invalid_request", aadsts: 9002313,
    message: /^Invalid request\. Request is malformed or invalid\.$/,
    run: async (t): Promise<WireResponse> => {
      const res = await fetch(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from("%E0%A4%A:secret").toString("base64")}` },
        body: "grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
    },
  },
];
