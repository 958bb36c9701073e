import type { ContractTarget } from "./target.ts";

export interface WireResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function toWire(res: Response): Promise<WireResponse> {
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
