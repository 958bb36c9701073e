import type { ContractTarget } from "./target.ts";

export interface WireResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function toWire(res: Response): Promise<WireResponse> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { nonJson: text.slice(0, 200) };
  }
  return { status: res.status, headers: res.headers, body };
}

/** A form POST to `{authority}/{tenant}/oauth2/v2.0/token`. */
export async function tokenPost(t: ContractTarget, tenant: string, params: Record<string, string>): Promise<WireResponse> {
  return toWire(
    await fetch(`${t.authorityHost}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    }),
  );
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  return toWire(await fetch(url, { headers }));
}

export async function appToken(t: ContractTarget): Promise<string> {
  const res = await tokenPost(t, t.tenantId, {
    grant_type: "client_credentials",
    client_id: t.app.clientId,
    client_secret: t.app.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
  if (res.status !== 200) throw new Error(`client credentials failed: ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

export async function userAccessToken(t: ContractTarget): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await tokenPost(t, t.tenantId, {
    grant_type: "refresh_token",
    client_id: t.app.clientId,
    client_secret: t.app.clientSecret,
    refresh_token: await t.userRefreshToken(),
    scope: "User.Read offline_access",
  });
  if (res.status !== 200) throw new Error(`refresh failed: ${JSON.stringify(res.body)}`);
  return { accessToken: res.body.access_token as string, refreshToken: res.body.refresh_token as string };
}

/** A form POST to `{authority}/{tenant}/oauth2/v2.0/devicecode`. */
export async function deviceCodePost(t: ContractTarget, tenant: string, params: Record<string, string>): Promise<WireResponse> {
  return toWire(
    await fetch(`${t.authorityHost}/${tenant}/oauth2/v2.0/devicecode`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    }),
  );
}

/** A token request as a browser sends it cross-origin: with an Origin header. */
export async function tokenPostFrom(t: ContractTarget, origin: string, params: Record<string, string>): Promise<WireResponse> {
  return toWire(
    await fetch(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
      body: new URLSearchParams(params),
    }),
  );
}

/** A Graph request with an optional JSON body (a string body is sent as is). */
export async function graph(
  t: ContractTarget,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<WireResponse> {
  const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  return toWire(await fetch(`${t.graphBaseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

/** A Graph call that must succeed (test setup); returns the JSON body. */
export async function graphOk(t: ContractTarget, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await graph(t, method, path, { token, ...(body !== undefined ? { body } : {}) });
  if (res.status >= 300) throw new Error(`setup ${method} ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const users = new WeakMap<ContractTarget, Promise<{ id: string; userPrincipalName: string }>>();

/** The test user behind `userRefreshToken`, read once from /me. */
export function testUser(t: ContractTarget): Promise<{ id: string; userPrincipalName: string }> {
  let found = users.get(t);
  if (!found) {
    found = userAccessToken(t).then(async ({ accessToken }) => {
      const me = await graphOk(t, "GET", "/me", accessToken);
      return { id: me.id as string, userPrincipalName: me.userPrincipalName as string };
    });
    users.set(t, found);
  }
  return found;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/**
 * GET /authorize without following redirects, as a wire response: a redirect's
 * query (or fragment) becomes the body; an Entra error page becomes
 * `{ error_description: "AADSTSnnnn: ..." }` read from the page.
 */
export async function authorize(t: ContractTarget, tenant: string, params: Record<string, string>): Promise<WireResponse> {
  const res = await fetch(`${t.authorityHost}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(params)}`, { redirect: "manual" });
  const location = res.headers.get("location");
  if (location) {
    const url = new URL(location);
    const fields = new URLSearchParams(url.search || url.hash.slice(1));
    return { status: res.status, headers: res.headers, body: Object.fromEntries(fields) };
  }
  const html = await res.text();
  // The emulator's page puts the description in its own paragraph; Entra's writes "AADSTSnnnn: description".
  const aadsts = /AADSTS(\d+)/.exec(html)?.[1];
  const own = /class="entra mono">([^<]*)</.exec(html)?.[1];
  const inline = /AADSTS\d+: ([^<\r\n]*)/.exec(html)?.[1];
  const description = own ?? inline;
  return {
    status: res.status,
    headers: res.headers,
    body: aadsts && description ? { error_description: `AADSTS${aadsts}: ${decode(description)}` } : { nonJson: html.slice(0, 200) },
  };
}
