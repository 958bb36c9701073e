import { createHash, randomBytes } from "node:crypto";
import { FormBrowser, parseForms, type Step } from "../test/support/browser.ts";
import type { ContractTarget } from "./target.ts";

export const REDIRECT = "http://localhost/callback";

export function authorizeUrl(t: ContractTarget, params: Record<string, string>, tenant = t.tenantId): string {
  return `${t.authorityHost}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: t.app.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "User.Read offline_access",
    state: "contract-state",
    ...params,
  })}`;
}

/**
 * Signs the emulator target's test user in through the sign-in page (a
 * browser's job: live Microsoft's pages cannot be scripted, so cases using it
 * are not runnable live). Returns the browser, with its session cookie, and
 * the last step (a redirect to the app, or a consent page when `consent` is false).
 */
export async function signIn(
  t: ContractTarget,
  params: Record<string, string> = {},
  options: { consent?: boolean; as?: { userPrincipalName: string; password: string } } = {},
): Promise<{ browser: FormBrowser; step: Step }> {
  const who = options.as ?? t.signInAs;
  if (!who) throw new Error("a scripted sign-in needs the emulator's sign-in page");
  const browser = new FormBrowser(t.authorityHost);
  let step = await browser.signIn(await browser.get(authorizeUrl(t, params)), who.userPrincipalName, who.password);
  const consentPage = step.status === 200 && parseForms(step.html).some((f) => f.buttons.some((b) => b.name === "consent"));
  if (consentPage && options.consent !== false) step = await browser.consent(step, true);
  return { browser, step };
}

/** A fresh PKCE pair (S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** An authorization code for the test user, from a scripted sign-in. */
export async function authorizationCode(t: ContractTarget, params: Record<string, string> = {}): Promise<string> {
  const { step } = await signIn(t, params);
  if (step.status !== 302 || !step.location) throw new Error(`sign-in gave no redirect: ${step.status} ${step.html.slice(0, 300)}`);
  const code = new URL(step.location).searchParams.get("code");
  if (!code) throw new Error(`sign-in gave no code: ${step.location}`);
  return code;
}
