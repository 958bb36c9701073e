import { CONTOSO, startTestEmulator, type TestEmulator } from "../../test/support/emulator.ts";
import { FormBrowser, parseForms, redirectParams } from "../../test/support/browser.ts";
import { MicrosoftFunctions, type ClientOptions, type SettingsInput, type SignedInUser } from "../src/index.ts";

import { LazyStore, openStore, suiteStoreKind } from "./support/stores.ts";

export { CONTOSO, startTestEmulator, type TestEmulator };

export const REDIRECT_URI = "http://localhost:3000/callback";

/** Calls the emulator's control plane. */
export async function control<T = unknown>(emu: TestEmulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface RegisteredApp {
  appId: string;
  clientSecret: string;
}

/** Registers an app in a tenant through the control plane. */
export function registerApp(
  emu: TestEmulator,
  options: { tenant?: string; delegated?: string[]; application?: string[]; adminConsent?: boolean } = {},
): Promise<RegisteredApp> {
  return control<RegisteredApp>(emu, "POST", `/tenants/${options.tenant ?? CONTOSO.id}/applications`, {
    displayName: `Client test app ${Math.random().toString(36).slice(2, 8)}`,
    redirectUris: [REDIRECT_URI],
    delegatedPermissions: options.delegated ?? [],
    applicationPermissions: options.application ?? [],
    adminConsent: options.adminConsent ?? false,
  });
}

/** Settings pointing at the emulator: configuration only (authority host, Graph URL, CA). */
export function emulatorSettings(emu: TestEmulator, app: RegisteredApp, overrides: Partial<SettingsInput> = {}): SettingsInput {
  return {
    tenantId: CONTOSO.id,
    clientId: app.appId,
    clientSecret: app.clientSecret,
    redirectUri: REDIRECT_URI,
    authorityHost: emu.baseUrl,
    graphBaseUrl: emu.graphBaseUrl,
    caCertificate: emu.caCert,
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
    ...overrides,
  };
}

/**
 * A client against the emulator. Without a tokenStore it gets a fresh store of
 * the kind CLIENT_TEST_STORE names (memory by default), so the whole client
 * suite runs unchanged on every store (see vitest.config.ts).
 */
export function emulatorClient(emu: TestEmulator, app: RegisteredApp, overrides: Partial<SettingsInput> = {}, options: ClientOptions = {}): MicrosoftFunctions {
  const kind = suiteStoreKind();
  const tokenStore = options.tokenStore ?? (kind === "memory" ? undefined : new LazyStore(() => openStore(kind)));
  return new MicrosoftFunctions(emulatorSettings(emu, app, overrides), { ...options, tokenStore });
}

export interface SignInOutcome {
  user: SignedInUser;
  /** The Graph permissions listed on the consent page, or undefined when none was shown. */
  consentScopes: string[] | undefined;
}

/** Drives the emulator's sign-in (and consent) pages for a URL from getSignInUrl, then completes the redirect. */
export async function signInAs(
  client: MicrosoftFunctions,
  emu: TestEmulator,
  options: { userId: string; user?: { upn: string; password: string }; mode?: string; consentForOrganization?: boolean },
): Promise<SignInOutcome> {
  const who = options.user ?? CONTOSO.adele;
  const { url } = await client.signIn.getSignInUrl({ authUserId: options.userId, mode: options.mode });
  const browser = new FormBrowser(emu.baseUrl);
  const page = await browser.get(url);
  if (page.status !== 200) throw new Error(`sign-in page: ${page.status} ${page.html.slice(0, 500)}`);
  let step = await browser.signIn(page, who.upn, who.password);
  let consentScopes: string[] | undefined;
  if (step.status === 200 && parseForms(step.html).some((f) => f.buttons.some((b) => b.name === "consent"))) {
    consentScopes = [...step.html.matchAll(/<li><code>([^<]+)<\/code>/g)].map((m) => m[1] as string);
    step = await browser.consent(step, true, options.consentForOrganization ?? false);
  }
  redirectParams(step);
  const user = await client.signIn.handleRedirect(step.location as string);
  return { user, consentScopes };
}

export async function moveClock(emu: TestEmulator, advance: string): Promise<void> {
  await control(emu, "POST", "/clock", { advance });
}
