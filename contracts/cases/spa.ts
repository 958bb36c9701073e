import { createHash, randomBytes } from "node:crypto";
import type { ContractTarget } from "../target.ts";

/** A single-page app of the target's tenant and a code for it (emulator only: registered through the control plane). */
export interface SpaCode {
  clientId: string;
  code: string;
  verifier: string;
  redirectUri: string;
}

export const SPA_REDIRECT = "http://localhost:5173/contract-spa";
export const SPA_ORIGIN = "http://localhost:5173";
let spaApp: Promise<string> | undefined;

/** Signs the tenant's first user in at the emulator's authorize page (account picker) and returns the SPA code. */
export async function spaCode(t: ContractTarget): Promise<SpaCode> {
  spaApp ??= t.admin!.createApplication(t.tenantId, { displayName: "Contract SPA", spaRedirectUris: [SPA_REDIRECT], delegatedPermissions: ["User.Read", "offline_access"], adminConsent: true }).then((a) => a.appId);
  const clientId = await spaApp;
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/authorize`);
  const query = { client_id: clientId, response_type: "code", redirect_uri: SPA_REDIRECT, scope: "User.Read offline_access", code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256" };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const page = await (await fetch(url)).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1];
  const upn = /name="username" value="([^"]+)"/.exec(page)?.[1];
  if (!request || !upn) throw new Error("no account picker on the sign-in page");
  const res = await fetch(url.origin + url.pathname, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ request, username: upn, pick: "1" }) });
  const code = new URL(res.headers.get("location") ?? "about:blank").searchParams.get("code");
  if (!code) throw new Error(`no code: ${res.status}`);
  return { clientId, code, verifier, redirectUri: SPA_REDIRECT };
}
