/**
 * HTML pages for the emulated authorize endpoint (sign-in, consent, error, info).
 *
 * Pure functions returning complete HTML5 documents. No JavaScript: every page
 * is a plain form that works with scripting disabled. Styling is inline (the
 * identity CSP allows inline styles only) and deliberately distinct from
 * Microsoft's look, with a striped "emulator" banner, so nobody mistakes it
 * for the real login.microsoftonline.com.
 */

import { DASHBOARD_PATH, escapeHtml, formOpen, initials, layout, type HiddenFields } from "./page-layout.ts";

export type { HiddenFields } from "./page-layout.ts";

export interface SignInPageInput {
  action: string;
  hidden: HiddenFields;
  tenantName: string;
  appName: string;
  users: { displayName: string; userPrincipalName: string; directoryRoles?: readonly string[] }[];
  loginHint?: string;
  errorMessage?: string;
}

export interface ConsentPageInput {
  action: string;
  hidden: HiddenFields;
  appName: string;
  appId: string;
  userName: string;
  /** The signed-in user's display name, when known. */
  userDisplayName?: string;
  /** The tenant the user signs in to, when known. */
  tenantName?: string;
  permissions: { value: string; description: string; adminConsentRequired: boolean; detail?: string }[];
  canConsentForOrganization: boolean;
}

export interface ErrorPageInput {
  aadsts: number;
  title: string;
  /** Entra's own error description. */
  description: string;
  /** What went wrong, in plain words. */
  explanation?: string;
  fix: string;
  traceId: string;
  correlationId: string;
  timestamp: string;
}

export function renderSignInPage(input: SignInPageInput): string {
  const alert = input.errorMessage ? `<div class="alert" role="alert">${escapeHtml(input.errorMessage)}</div>\n` : "";
  const accounts = input.users
    .map((u) => {
      const role = u.directoryRoles && u.directoryRoles.length > 0 ? `<span class="role">${escapeHtml(u.directoryRoles.join(", "))}</span>` : "";
      return `<li>
${formOpen(input.action, input.hidden, { username: u.userPrincipalName, pick: "1" })}
<button type="submit" class="account"><span class="avatar" aria-hidden="true">${escapeHtml(initials(u.displayName))}</span><span class="who"><strong>${escapeHtml(u.displayName)}</strong><span class="upn">${escapeHtml(u.userPrincipalName)}</span>${role}</span></button>
</form>
</li>`;
    })
    .join("\n");
  const picker =
    input.users.length > 0
      ? `<section class="card" aria-labelledby="pick-heading">
<h2 id="pick-heading">Pick an account</h2>
<p class="muted">Emulator shortcut: picking an account signs in without a password.</p>
<ul class="accounts">
${accounts}
</ul>
</section>`
      : "";
  return layout(
    "Sign in",
    `<div class="grid">
<section class="card" aria-labelledby="signin-heading">
<p class="eyebrow">${escapeHtml(input.tenantName)}</p>
<h1 id="signin-heading">Sign in</h1>
<p class="muted">to continue to <strong>${escapeHtml(input.appName)}</strong> with your <strong>${escapeHtml(input.tenantName)}</strong> account</p>
${alert}${formOpen(input.action, input.hidden)}
<label for="username">Email or username</label>
<input type="text" inputmode="email" id="username" name="username" autocomplete="username" spellcheck="false" autocapitalize="none" value="${escapeHtml(input.loginHint ?? "")}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="actions"><button type="submit">Sign in</button></div>
</form>
<p class="muted note">This is the Graph Emulator's sign-in page. Use an account of the emulated tenant, never a real password.</p>
</section>
${picker}
</div>`,
    input.users.length > 0 ? "wide" : "narrow",
  );
}

export function renderConsentPage(input: ConsentPageInput): string {
  const perms = input.permissions
    .map(
      (p) =>
        `<li><code>${escapeHtml(p.value)}</code>${p.adminConsentRequired ? ` <span class="tag">Admin consent required</span>` : ""}<span class="what">${escapeHtml(p.description)}</span>${
          p.detail ? `<span class="detail">${escapeHtml(p.detail)}</span>` : ""
        }</li>`,
    )
    .join("\n");
  const anyAdminOnly = input.permissions.some((p) => p.adminConsentRequired);
  const tenant = input.tenantName ? escapeHtml(input.tenantName) : "your organization";
  const orgConsent = input.canConsentForOrganization
    ? `<div class="org"><div class="check"><input type="checkbox" id="consent_for_org" name="consent_for_org" value="1"><label for="consent_for_org">Consent on behalf of your organization<span class="hint">Grants these permissions for every user in ${tenant}; nobody else will be asked.${
        anyAdminOnly ? " Permissions marked admin consent required need an administrator like you." : ""
      }</span></label></div></div>\n`
    : "";
  const who = input.userDisplayName
    ? `<strong>${escapeHtml(input.userDisplayName)}</strong> (${escapeHtml(input.userName)})`
    : `<strong>${escapeHtml(input.userName)}</strong>`;
  return layout(
    "Permissions requested",
    `<section class="card" aria-labelledby="consent-heading">
<p class="eyebrow">${input.tenantName ? escapeHtml(input.tenantName) : "Consent"}</p>
<h1 id="consent-heading">Permissions requested</h1>
<div class="app"><span class="avatar" aria-hidden="true">${escapeHtml(initials(input.appName))}</span><p><strong>${escapeHtml(input.appName)}</strong><br><span class="muted mono">App ID: ${escapeHtml(input.appId)}</span></p></div>
<p class="muted">Signed in as ${who}</p>
<h2>This app would like to:</h2>
<ul class="perms">
${perms}
</ul>
${formOpen(input.action, input.hidden)}
${orgConsent}<p class="muted">Accepting lets the app use these permissions until the consent is revoked (the emulator dashboard lists and revokes consents). Cancel sends you back to the app with an error (AADSTS65004).</p>
<div class="actions">
<button type="submit" name="consent" value="accept">Accept</button>
<button type="submit" name="consent" value="decline" class="secondary">Cancel</button>
</div>
</form>
</section>`,
  );
}

export function renderErrorPage(input: ErrorPageInput): string {
  const code = `AADSTS${escapeHtml(input.aadsts)}`;
  return layout(
    `AADSTS${input.aadsts}: ${input.title}`,
    `<section class="card" aria-labelledby="error-heading">
<p class="code mono">${code}</p>
<h1 id="error-heading">${escapeHtml(input.title)}</h1>
${input.explanation ? `<p>${escapeHtml(input.explanation)}</p>\n` : ""}<h2>How to fix</h2>
<div class="fix"><p>${escapeHtml(input.fix)}</p></div>
<h2>What Entra says</h2>
<p class="entra mono">${escapeHtml(input.description)}</p>
<p class="muted">The request's app, tenant and redirect URIs are listed in the <a href="${DASHBOARD_PATH}">emulator dashboard</a>; its journal shows this request.</p>
</section>
<section class="card" aria-labelledby="details-heading">
<h2 id="details-heading">Technical details</h2>
<dl class="details muted mono">
<dt>Error code</dt><dd>${code}</dd>
<dt>Trace ID</dt><dd>${escapeHtml(input.traceId)}</dd>
<dt>Correlation ID</dt><dd>${escapeHtml(input.correlationId)}</dd>
<dt>Timestamp</dt><dd>${escapeHtml(input.timestamp)}</dd>
</dl>
</section>`,
    "medium",
  );
}

export function renderInfoPage(title: string, message: string): string {
  return layout(
    title,
    `<section class="card" aria-labelledby="info-heading">
<h1 id="info-heading">${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</section>`,
  );
}

/** The device code flow's verification page: the person types the code their device shows. */
export function renderDeviceCodePage(input: { action: string; errorMessage?: string }): string {
  const alert = input.errorMessage ? `<div class="alert" role="alert">${escapeHtml(input.errorMessage)}</div>\n` : "";
  return layout(
    "Enter code",
    `<section class="card" aria-labelledby="code-heading">
<h1 id="code-heading">Enter code</h1>
<p class="muted">Enter the code displayed on your app or device.</p>
${alert}${formOpen(input.action, {})}
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" autocomplete="off" spellcheck="false" autocapitalize="characters" maxlength="20" required>
<div class="actions"><button type="submit">Next</button></div>
</form>
</section>`,
  );
}
