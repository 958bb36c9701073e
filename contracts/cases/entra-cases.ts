import { randomUUID } from "node:crypto";
import { deviceCodePost, get, tokenPost, tokenPostFrom, userAccessToken } from "../http.ts";
import { SPA_ORIGIN, spaCode } from "./spa.ts";
import type { ErrorCase } from "./types.ts";
import { afterClockMoves } from "./clock.ts";
import type { ContractTarget } from "../target.ts";
import { assertionCredentials, certificateApp, signedAssertion, strayKey } from "./assertions.ts";

/** Starts a device code flow for the contract app and returns its device code and verification page. */
async function deviceCode(t: ContractTarget, scope = "User.Read"): Promise<{ device_code: string; user_code: string; verification_uri: string }> {
  const res = await deviceCodePost(t, t.tenantId, { client_id: t.app.clientId, scope });
  if (res.status !== 200) throw new Error(`devicecode failed: ${JSON.stringify(res.body)}`);
  return res.body as { device_code: string; user_code: string; verification_uri: string };
}

const pollDeviceCode = (t: ContractTarget, code: string) =>
  tokenPost(t, t.tenantId, { grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: t.app.clientId, client_secret: t.app.clientSecret, device_code: code });

/** The emulator's verification page, over HTTP: the code, the first account of the picker, then Cancel on consent. */
async function declineAtVerificationPage(uri: string, userCode: string): Promise<void> {
  const post = async (body: Record<string, string>, cookie = "") => {
    const res = await fetch(uri, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams(body), redirect: "manual" });
    return { html: await res.text(), cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
  };
  const signIn = await post({ otc: userCode });
  const upn = /name="username" value="([^"]+)"/.exec(signIn.html)?.[1];
  if (!upn) throw new Error("no account on the verification page's sign-in");
  const consent = await post({ device: userCode, username: upn, pick: "1" });
  await post({ device: userCode, consent: "decline" }, consent.cookie);
}

/** On-behalf-of by the contract app (the emulator's API registration of it: a Graph token is never for it, hence 500131). */
const obo = (t: ContractTarget, assertion: string) =>
  tokenPost(t, t.tenantId, { grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", requested_token_use: "on_behalf_of", client_id: t.app.clientId, client_secret: t.app.clientSecret, assertion, scope: "https://graph.microsoft.com/User.Read" });

const clientCredentials = (clientId: string, clientSecret: string, scope = "https://graph.microsoft.com/.default") => ({
  grant_type: "client_credentials",
  client_id: clientId,
  client_secret: clientSecret,
  scope,
});

/** Entra ID error paths at the token and discovery endpoints. */
export const ENTRA_CASES: ErrorCase[] = [
  {
    id: "entra-90002-token",
    wire: "entra",
    title: "unknown tenant at the token endpoint",
    status: 400, code: "invalid_tenant", aadsts: 90002, suberror: null,
    message: /^Tenant '[0-9a-f-]{36}' not found\. /,
    run: (t) => tokenPost(t, t.unknownTenantId, clientCredentials(t.app.clientId, t.app.clientSecret)),
  },
  {
    id: "entra-90002-discovery",
    wire: "entra",
    title: "unknown tenant at discovery",
    status: 400, code: "invalid_tenant", aadsts: 90002, suberror: null,
    message: /^Tenant '[0-9a-f-]{36}' not found\. /,
    run: (t) => get(`${t.authorityHost}/${t.unknownTenantId}/v2.0/.well-known/openid-configuration`),
  },
  {
    id: "entra-900023",
    wire: "entra",
    title: "malformed tenant identifier",
    status: 400, code: "invalid_request", aadsts: 900023, suberror: null,
    message: /^Specified tenant identifier 'not_a_tenant!' is neither a valid DNS name, nor a valid external domain\.$/,
    run: (t) => tokenPost(t, "not_a_tenant!", clientCredentials(t.app.clientId, t.app.clientSecret)),
  },
  {
    id: "entra-700016",
    wire: "entra",
    title: "unknown application",
    status: 400, code: "unauthorized_client", aadsts: 700016, suberror: null,
    message: /^Application with identifier '[0-9a-f-]{36}' was not found in the directory '[^']+'\./,
    run: (t) => tokenPost(t, t.tenantId, clientCredentials(randomUUID(), "whatever")),
  },
  {
    id: "entra-7000215",
    wire: "entra",
    title: "wrong client secret",
    status: 401, code: "invalid_client", aadsts: 7000215, suberror: null,
    message: /^Invalid client secret provided\. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '[0-9a-f-]{36}'\.$/,
    run: (t) => tokenPost(t, t.tenantId, clientCredentials(t.app.clientId, "not-the-secret")),
  },
  {
    id: "entra-7000218",
    wire: "entra",
    title: "confidential client without a credential",
    status: 401, code: "invalid_client", aadsts: 7000218, suberror: null,
    message: /^The request body must contain the following parameter: 'client_assertion' or 'client_secret'\.$/,
    run: (t) => tokenPost(t, t.tenantId, { grant_type: "client_credentials", client_id: t.app.clientId, scope: "https://graph.microsoft.com/.default" }),
  },
  {
    id: "entra-1002012",
    wire: "entra",
    title: "client credentials without /.default",
    status: 400, code: "invalid_scope", aadsts: 1002012, suberror: null,
    message: /^The provided value for scope https:\/\/graph\.microsoft\.com\/User\.Read is not valid\. Client credential flows must have a scope value with \/\.default suffixed to the resource identifier \(application ID URI\)\.$/,
    run: (t) => tokenPost(t, t.tenantId, clientCredentials(t.app.clientId, t.app.clientSecret, "https://graph.microsoft.com/User.Read")),
  },
  {
    id: "entra-70011",
    wire: "entra",
    title: "invalid scope on refresh",
    status: 400, code: "invalid_scope", aadsts: 70011, suberror: null,
    message: /^The provided value for the input parameter 'scope' is not valid\. The scope User\.Nope is not valid\.$/,
    run: async (t) => tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: await t.userRefreshToken(), scope: "User.Nope" }),
  },
  {
    id: "entra-9002313",
    wire: "entra",
    title: "malformed refresh token",
    status: 400, code: "invalid_grant", aadsts: 9002313, suberror: null,
    message: /^Invalid request\. Request is malformed or invalid\.$/,
    run: (t) => tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: "not-a-refresh-token", scope: "User.Read" }),
  },
  {
    id: "entra-900144",
    wire: "entra",
    title: "missing grant_type",
    status: 400, code: "invalid_request", aadsts: 900144, suberror: null,
    message: /^The request body must contain the following parameter: 'grant_type'\.$/,
    run: (t) => tokenPost(t, t.tenantId, { client_id: t.app.clientId }),
  },
  {
    id: "entra-70003",
    wire: "entra",
    title: "unsupported grant_type",
    status: 400, code: "unsupported_grant_type", aadsts: 70003, suberror: null,
    message: /^The app requested an unsupported grant type 'magic'\.$/,
    run: (t) => tokenPost(t, t.tenantId, { grant_type: "magic", client_id: t.app.clientId, client_secret: t.app.clientSecret }),
  },
  {
    id: "entra-50059",
    wire: "entra",
    title: "client credentials on /common",
    status: 400, code: "invalid_request", aadsts: 50059, suberror: null,
    message: /^No tenant-identifying information found in either the request or implied by any provided credentials\.$/,
    run: (t) => tokenPost(t, "common", clientCredentials(t.app.clientId, t.app.clientSecret)),
  },
  {
    id: "entra-700082",
    wire: "entra",
    title: "refresh token unused for 90 days",
    status: 400, code: "invalid_grant", aadsts: 700082, suberror: "bad_token",
    message: /^The refresh token has expired due to inactivity\./,
    needsControlPlane: true,
    run: async (t) => {
      const rt = await t.userRefreshToken();
      return afterClockMoves(t, "P91D", () => tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: rt, scope: "User.Read" }));
    },
  },
  {
    id: "entra-50173",
    wire: "entra",
    title: "refresh token revoked",
    status: 400, code: "invalid_grant", aadsts: 50173, suberror: "bad_token",
    message: /^The provided grant has expired due to it being revoked/,
    needsControlPlane: true,
    run: async (t) => {
      const { accessToken } = await userAccessToken(t);
      const oid = JSON.parse(Buffer.from(accessToken.split(".")[1] as string, "base64url").toString()).oid as string;
      const rt = await t.userRefreshToken();
      await t.admin!.revokeSignInSessions(t.tenantId, oid);
      return tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: rt, scope: "User.Read" });
    },
  },
  {
    id: "entra-65001",
    wire: "entra",
    title: "consent revoked, then refresh",
    status: 400, code: "invalid_grant", aadsts: 65001, suberror: "consent_required",
    message: /^The user or administrator has not consented to use the application with ID '[0-9a-f-]{36}' named '[^']+'\./,
    needsControlPlane: true,
    run: async (t) => {
      const rt = await t.userRefreshToken();
      for (const g of await t.admin!.consents(t.tenantId)) if (g.clientId === t.app.clientId) await t.admin!.revokeConsent(t.tenantId, g.id);
      try {
        return await tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: rt, scope: "User.Read" });
      } finally {
        await t.admin!.grantConsent(t.tenantId, { clientId: t.app.clientId, consentType: "AllPrincipals", scopes: ["User.Read"] });
      }
    },
  },
  {
    id: "entra-70016",
    wire: "entra",
    title: "device code polled before the person approves",
    status: 400, code: "authorization_pending", aadsts: 70016, suberror: null,
    message: /^OAuth 2\.0 device flow error\. Authorization is pending\. Continue polling\.$/,
    run: async (t) => pollDeviceCode(t, (await deviceCode(t)).device_code),
  },
  {
    id: "entra-70018",
    wire: "entra",
    title: "device code never issued",
    status: 400, code: "bad_verification_code", aadsts: 70018, suberror: null,
    message: /^Invalid verification code due to User typing in wrong user code for device code flow\./,
    run: (t) => pollDeviceCode(t, `1.${Buffer.from(t.tenantId).toString("base64url")}.${"A".repeat(40)}`),
  },
  {
    id: "entra-70020",
    wire: "entra",
    title: "device code polled after 15 minutes",
    status: 400, code: "expired_token", aadsts: 70020, suberror: null,
    message: /^The provided value for the input parameter 'device_code' is not valid\. This device code has expired\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const dc = await deviceCode(t);
      return afterClockMoves(t, "PT15M", () => pollDeviceCode(t, dc.device_code));
    },
  },
  {
    id: "entra-70000-declined",
    wire: "entra",
    title: "device code declined at the verification page",
    status: 400, code: "authorization_declined", aadsts: 70000, suberror: null,
    message: /^The end user denied the authorization request\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const dc = await deviceCode(t, "Calendars.Read");
      await declineAtVerificationPage(dc.verification_uri, dc.user_code);
      return pollDeviceCode(t, dc.device_code);
    },
  },
  {
    id: "entra-28000",
    wire: "entra",
    title: "scopes of two resources in one request",
    status: 400, code: "invalid_scope", aadsts: 28000, suberror: null,
    message: /^Provided value for the input parameter scope is not valid because it contains more than one resource\./,
    needsControlPlane: true,
    run: async (t) => {
      const uri = `api://contract-api-${randomUUID()}`;
      await t.admin!.createApplication(t.tenantId, { displayName: "Contract API", identifierUris: [uri], scopes: ["access_as_user"] });
      const rt = await t.userRefreshToken();
      return tokenPost(t, t.tenantId, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: rt, scope: `User.Read ${uri}/access_as_user` });
    },
  },
  {
    id: "entra-500131",
    wire: "entra",
    title: "on-behalf-of with a user token for another app",
    status: 400, code: "invalid_grant", aadsts: 500131, suberror: null,
    message: /^Assertion audience does not match the Client app presenting the assertion\. The audience in the assertion was '[^']+' and the expected audience is '[0-9a-f-]{36}'/,
    needsControlPlane: true,
    run: async (t) => obo(t, (await userAccessToken(t)).accessToken),
  },
  {
    id: "entra-500133",
    wire: "entra",
    title: "on-behalf-of with an expired user token",
    status: 400, code: "invalid_grant", aadsts: 500133, suberror: null,
    message: /^Assertion is not within its valid time range\. Ensure that the access token is not expired before using it for user assertion, or request a new token\./,
    needsControlPlane: true,
    run: async (t) => {
      const { accessToken } = await userAccessToken(t);
      return afterClockMoves(t, "PT2H", () => obo(t, accessToken));
    },
  },
  {
    id: "entra-50013",
    wire: "entra",
    title: "on-behalf-of with a forged user token",
    status: 400, code: "invalid_grant", aadsts: 50013, suberror: null,
    message: /^Assertion failed signature validation\. \[Reason - The key was not found\./,
    needsControlPlane: true,
    run: async (t) => {
      const { accessToken } = await userAccessToken(t);
      const key = strayKey();
      const forged = await signedAssertion(t, t.app.clientId, key.privateKey, key.thumbprintSha256, JSON.parse(Buffer.from(accessToken.split(".")[1] as string, "base64url").toString()) as Record<string, unknown>);
      return obo(t, forged);
    },
  },
  {
    id: "entra-9002326",
    wire: "entra",
    title: "web app's refresh token redeemed cross-origin",
    status: 400, code: "invalid_request", aadsts: 9002326, suberror: null,
    message: /^Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type\./,
    run: async (t) => tokenPostFrom(t, SPA_ORIGIN, { grant_type: "refresh_token", client_id: t.app.clientId, client_secret: t.app.clientSecret, refresh_token: await t.userRefreshToken(), scope: "User.Read" }),
  },
  {
    id: "entra-9002327",
    wire: "entra",
    title: "single-page app's code redeemed server-side",
    status: 400, code: "invalid_request", aadsts: 9002327, suberror: null,
    message: /^Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const c = await spaCode(t);
      return tokenPost(t, t.tenantId, { grant_type: "authorization_code", client_id: c.clientId, code: c.code, code_verifier: c.verifier, redirect_uri: c.redirectUri });
    },
  },
  {
    id: "entra-700084",
    wire: "entra",
    title: "single-page app's refresh token after 24 hours",
    status: 400, code: "invalid_grant", aadsts: 700084, suberror: null,
    message: /^The refresh token was issued to a single page app \(SPA\), and therefore has a fixed, limited lifetime of 1\.00:00:00, which cannot be extended\./,
    needsControlPlane: true,
    run: async (t) => {
      const c = await spaCode(t);
      const first = await tokenPostFrom(t, SPA_ORIGIN, { grant_type: "authorization_code", client_id: c.clientId, code: c.code, code_verifier: c.verifier, redirect_uri: c.redirectUri });
      return afterClockMoves(t, "PT25H", () => tokenPostFrom(t, SPA_ORIGIN, { grant_type: "refresh_token", client_id: c.clientId, refresh_token: String(first.body.refresh_token), scope: "User.Read" }));
    },
  },
  {
    id: "entra-700027",
    wire: "entra",
    title: "client assertion signed by a key the app has not registered",
    status: 401, code: "invalid_client", aadsts: 700027, suberror: null,
    message: /^Client assertion contains an invalid signature\. \[Reason - The key was not found\., Thumbprint of key used by client: '[0-9A-F]{64}'/,
    run: async (t) => {
      const key = strayKey();
      return tokenPost(t, t.tenantId, assertionCredentials(t.app.clientId, await signedAssertion(t, t.app.clientId, key.privateKey, key.thumbprintSha256)));
    },
  },
  {
    id: "entra-50027",
    wire: "entra",
    title: "client assertion that is no JWT",
    status: 400, code: "invalid_request", aadsts: 50027, suberror: null,
    message: /^JWT token is invalid or malformed\.$/,
    run: (t) => tokenPost(t, t.tenantId, assertionCredentials(t.app.clientId, "not-a-jwt")),
  },
  {
    id: "entra-700024",
    wire: "entra",
    title: "client assertion past its expiry",
    status: 401, code: "invalid_client", aadsts: 700024, suberror: null,
    message: /^Client assertion is not within its valid time range\. Current time: /,
    needsControlPlane: true,
    run: async (t) => {
      const app = await certificateApp(t);
      const past = Math.floor(Date.now() / 1000) - 3600;
      return tokenPost(t, t.tenantId, assertionCredentials(app.clientId, await signedAssertion(t, app.clientId, app.privateKey, app.thumbprintSha256, { iat: past, nbf: past, exp: past + 600 })));
    },
  },
  {
    id: "entra-700021",
    wire: "entra",
    title: "client assertion for another application",
    status: 401, code: "invalid_client", aadsts: 700021, suberror: null,
    message: /^Client assertion application identifier doesn't match 'client_id' parameter\./,
    needsControlPlane: true,
    run: async (t) => {
      const app = await certificateApp(t);
      return tokenPost(t, t.tenantId, assertionCredentials(app.clientId, await signedAssertion(t, app.clientId, app.privateKey, app.thumbprintSha256, { sub: t.app.clientId, iss: t.app.clientId })));
    },
  },
  {
    id: "entra-50027-audience",
    wire: "entra",
    title: "client assertion addressed to another token endpoint",
    status: 401, code: "invalid_client", aadsts: 50027, suberror: null,
    message: /^Client assertion audience claim does not match Realm issuer\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const app = await certificateApp(t);
      return tokenPost(t, t.tenantId, assertionCredentials(app.clientId, await signedAssertion(t, app.clientId, app.privateKey, app.thumbprintSha256, { aud: "https://login.example.com/other/oauth2/v2.0/token" })));
    },
  },
  {
    id: "entra-700025",
    wire: "entra",
    title: "public client presenting a secret",
    status: 401, code: "invalid_client", aadsts: 700025, suberror: null,
    message: /^Client is public so neither 'client_assertion' nor 'client_secret' should be presented\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const app = await t.admin!.createApplication(t.tenantId, { displayName: "Contract public client", publicClient: true, delegatedPermissions: ["User.Read"] });
      return deviceCodePost(t, t.tenantId, { client_id: app.appId, scope: "User.Read" }).then((dc) =>
        tokenPost(t, t.tenantId, { grant_type: "device_code", client_id: app.appId, client_secret: "a-secret-it-does-not-have", device_code: String(dc.body.device_code) }),
      );
    },
  },
];
