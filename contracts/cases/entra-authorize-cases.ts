import { randomUUID } from "node:crypto";
import { authorize, type WireResponse } from "../http.ts";
import { signIn } from "../sign-in.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const REDIRECT = "http://localhost/callback";
const SCRIPTED = "needs a scripted sign-in, which only the emulator's pages allow";

const params = (t: ContractTarget, extra: Record<string, string> = {}) => ({
  client_id: t.app.clientId,
  response_type: "code",
  redirect_uri: REDIRECT,
  scope: "User.Read",
  state: "contract-state",
  ...extra,
});

/** A redirect step of the scripted browser, as a wire response. */
function redirectWire(step: { status: number; location: string | undefined; html: string }): WireResponse {
  const body = step.location ? Object.fromEntries(new URL(step.location).searchParams) : { nonJson: step.html.slice(0, 200) };
  return { status: step.status, headers: new Headers(), body };
}

/** Entra ID error paths at /authorize: shown on Entra's page, or redirected to the app. */
export const ENTRA_AUTHORIZE_CASES: ErrorCase[] = [
  {
    id: "entra-50011-page",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "redirect URI not registered for the app",
    status: 400, code: "invalid_request", aadsts: 50011,
    message: /^The redirect URI 'http:\/\/localhost\/elsewhere' specified in the request does not match the redirect URIs configured for the application '[0-9a-f-]{36}'\./,
    run: (t) => authorize(t, t.tenantId, params(t, { redirect_uri: "http://localhost/elsewhere" })),
  },
  {
    id: "entra-900144-authorize",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "authorize without client_id",
    status: 400, code: "invalid_request", aadsts: 900144,
    message: /^The request body must contain the following parameter: 'client_id'\.$/,
    run: (t) => authorize(t, t.tenantId, { response_type: "code", scope: "User.Read" }),
  },
  {
    id: "entra-700016-authorize",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "authorize for an unknown application",
    status: 400, code: "unauthorized_client", aadsts: 700016,
    message: /^Application with identifier '[0-9a-f-]{36}' was not found in the directory '[^']+'\./,
    run: (t) => authorize(t, t.tenantId, params(t, { client_id: randomUUID() })),
  },
  {
    id: "entra-50194-page",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "a single-tenant app on /common",
    status: 400, code: "invalid_request", aadsts: 50194,
    message: /^Application '[0-9a-f-]{36}'\(.+\) is not configured as a multi-tenant application\./,
    run: (t) => authorize(t, "common", params(t)),
  },
  {
    id: "entra-500113-page",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "an app with no redirect URI at all",
    status: 400, code: "invalid_request", aadsts: 500113,
    message: /^No reply address is registered for the application\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const app = await t.admin!.createApplication(t.tenantId, { displayName: "No reply address", delegatedPermissions: ["User.Read"] });
      return authorize(t, t.tenantId, { client_id: app.appId, response_type: "code", scope: "User.Read" });
    },
  },
  {
    id: "entra-700054-redirect",
    wire: "entra", shape: "redirect", area: "Entra ID: authorize",
    title: "a response_type the app does not allow",
    status: 302, code: "unsupported_response_type", aadsts: 700054,
    message: /^response_type 'token' is not enabled for the application\.$/,
    run: (t) => authorize(t, t.tenantId, params(t, { response_type: "token" })),
  },
  {
    id: "entra-90023-redirect",
    wire: "entra", shape: "redirect", area: "Entra ID: authorize",
    title: "an unknown response_mode",
    status: 302, code: "invalid_request", aadsts: 90023,
    message: /^The value 'telepathy' of the parameter 'response_mode' is not valid\.$/,
    source: "none found: the emulator's wording, shaped like Entra's invalid_request answers",
    run: (t) => authorize(t, t.tenantId, params(t, { response_mode: "telepathy" })),
  },
  {
    id: "entra-50058-redirect",
    wire: "entra", shape: "redirect", area: "Entra ID: authorize",
    title: "prompt=none without a signed-in user",
    status: 302, code: "login_required", aadsts: 50058,
    message: /^A silent sign-in request was sent but no user is signed in\./,
    run: (t) => authorize(t, t.tenantId, params(t, { prompt: "none" })),
  },
  {
    id: "entra-65001-redirect",
    wire: "entra", shape: "redirect", area: "Entra ID: authorize",
    title: "prompt=none for a scope the user has not consented to",
    status: 302, code: "consent_required", aadsts: 65001,
    message: /^The user or administrator has not consented to use the application with ID '[0-9a-f-]{36}' named '[^']+'\./,
    notLive: SCRIPTED,
    run: async (t) => {
      const { browser } = await signIn(t, { scope: "User.Read" });
      return redirectWire(await browser.get(authorizeUrl(t, { scope: "Calendars.Read", prompt: "none" })));
    },
  },
  {
    id: "entra-65004-redirect",
    wire: "entra", shape: "redirect", area: "Entra ID: authorize",
    title: "the user declines consent",
    status: 302, code: "consent_required", aadsts: 65004,
    message: /^User declined to consent to access the app\.$/,
    notLive: SCRIPTED,
    run: async (t) => {
      const { browser, step } = await signIn(t, { scope: "Calendars.Read" }, { consent: false });
      return redirectWire(await browser.consent(step, false));
    },
  },
  {
    id: "entra-90094-page",
    wire: "entra", shape: "page", area: "Entra ID: authorize",
    title: "a scope that needs admin consent, for a user who is no admin",
    status: 400, code: "access_denied", aadsts: 90094,
    message: /^The grant requires admin permission\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const tenant = (await t.admin!.tenants()).find((x) => x.id === t.tenantId)!;
      const upn = `plain-${randomUUID().slice(0, 8)}@${tenant.defaultDomain}`;
      await t.admin!.createUser(t.tenantId, { displayName: "Plain user", userPrincipalName: upn, password: "Passw0rd!" });
      const { step } = await signIn(t, { scope: "User.Read.All" }, { as: { userPrincipalName: upn, password: "Passw0rd!" } });
      const html = step.html;
      const description = /class="entra mono">([^<]*)</.exec(html)?.[1] ?? "";
      return { status: step.status, headers: new Headers(), body: { error_description: `AADSTS${/AADSTS(\d+)/.exec(html)?.[1]}: ${description}` } };
    },
  },
];

function authorizeUrl(t: ContractTarget, extra: Record<string, string>): string {
  return `${t.authorityHost}/${t.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams(params(t, extra))}`;
}
