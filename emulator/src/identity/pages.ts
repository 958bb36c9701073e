/**
 * HTML pages for the emulated authorize endpoint (sign-in, consent, error, info).
 *
 * Pure functions returning complete HTML5 documents. No JavaScript: every page
 * is a plain form that works with scripting disabled. Styling is inline (the
 * identity CSP allows inline styles only) and deliberately distinct from
 * Microsoft's look, with a striped "emulator" banner, so nobody mistakes it
 * for the real login.microsoftonline.com.
 */

export interface HiddenFields {
  [name: string]: string;
}

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

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escape a value for use in HTML text content or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Where the emulator's dashboard lives, linked from the pages for developers. */
const DASHBOARD_PATH = "/_emulator/ui/";

/** The emulator's icon, inline so the browser asks for no /favicon.ico (which would be a 404 in the journal). */
export const FAVICON = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%2312372a'/%3E%3Cpath d='M4 3h8v2H6.5v2H11v2H6.5v2H12v2H4z' fill='%23f2c230'/%3E%3C/svg%3E";

const STYLES = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:#eef2f0;color:#17201b;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
.stripe{height:6px;background:repeating-linear-gradient(135deg,#f2c230 0 12px,#17201b 12px 24px)}
.banner{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;padding:.625rem 1rem;background:#12372a;color:#fff;font-size:.875rem}
.badge{display:inline-block;padding:0 .5rem;border:1px solid #9fd8b4;border-radius:999px;font-size:.75rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase}
.banner-title{font-weight:700}
.banner-note{color:#d7efe0}
main{width:100%;max-width:30rem;margin:2rem auto;padding:0 1rem}
main.wide{max-width:58rem}
main.medium{max-width:36rem}
.grid{display:grid;gap:1rem;align-items:start}
@media (min-width:52rem){.grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.card{background:#fff;border:1px solid #c5cfc9;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card+.card{margin-top:1rem}
.grid>.card+.card{margin-top:0}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.125rem;line-height:1.3;margin:0 0 .75rem}
p{margin:0 0 1rem}
.eyebrow{margin:0 0 .25rem;font-size:.8125rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:#1f6f45}
.muted{color:#4a5750;font-size:.875rem}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
a{color:#0b5c8a}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=email],input[type=password]{display:block;width:100%;padding:.625rem .75rem;margin:0 0 1rem;font:inherit;color:inherit;background:#fff;border:1px solid #66736b;border-radius:.375rem}
button{font:inherit;cursor:pointer;border-radius:.375rem;padding:.625rem 1.25rem;border:1px solid #175a36;background:#1f6f45;color:#fff;font-weight:600}
button:hover{background:#175a36}
button.secondary{background:#fff;color:#175a36}
button.secondary:hover{background:#e6f2eb}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
input:focus-visible{border-color:#b35c00}
.actions{display:flex;flex-wrap:wrap;gap:.75rem}
.alert{border:1px solid #b42318;border-left-width:.375rem;background:#fdecea;color:#7a1a12;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.note{border-left:.25rem solid #9fb3a7;padding:.25rem 0 .25rem .75rem;margin:1rem 0 0}
.accounts{list-style:none;margin:0;padding:0}
.accounts li+li{margin-top:.5rem}
.accounts form{margin:0}
.account{display:flex;align-items:center;gap:.75rem;width:100%;text-align:left;background:#f5f8f6;color:#17201b;border-color:#c5cfc9;font-weight:400;padding:.5rem .75rem}
.account:hover{background:#e6f2eb}
.account .who{display:block;min-width:0;flex:1;color:#17201b}
.account strong{display:block}
.account .upn{display:block;color:#4a5750;font-size:.875rem}
.avatar{flex:none;display:inline-flex;align-items:center;justify-content:center;width:2.25rem;height:2.25rem;border-radius:50%;background:#12372a;color:#fff;font-weight:700;font-size:.875rem;line-height:1}
.account .role{display:inline-block;margin-top:.125rem;padding:0 .375rem;border-radius:.25rem;background:#e3ecf7;color:#0b3a66;font-size:.75rem;font-weight:600}
@media (max-width:30rem){.card{padding:1.25rem 1rem}.account{gap:.5rem;padding:.5rem}.avatar{width:2rem;height:2rem;font-size:.8125rem}main{margin-top:1.25rem}}
.app{display:flex;gap:.75rem;align-items:center;margin:0 0 1rem}
.app .avatar{width:3rem;height:3rem;border-radius:.625rem;background:#1f6f45;font-size:1.125rem}
.app p{margin:0}
.perms{list-style:none;margin:0 0 1rem;padding:0;border-top:1px solid #d5ddd8}
.perms li{padding:.75rem 0;border-bottom:1px solid #d5ddd8}
.perms code{font-weight:700;font-size:.9375rem}
.perms .what{display:block;font-weight:600;margin-top:.125rem}
.perms .detail{display:block;color:#4a5750;font-size:.875rem}
.tag{display:inline-block;margin-left:.375rem;padding:0 .375rem;border-radius:.25rem;background:#fff4d6;color:#5c3d00;border:1px solid #c99700;font-size:.75rem;font-weight:600;vertical-align:.0625rem}
.org{border:1px solid #c5cfc9;border-radius:.5rem;background:#f5f8f6;padding:.75rem;margin:0 0 1rem}
.check{display:flex;gap:.625rem;align-items:flex-start}
.check input{margin-top:.25rem;width:1.125rem;height:1.125rem;flex:none}
.check label{margin:0}
.check .hint{display:block;font-weight:400;color:#4a5750;font-size:.875rem}
.code{display:inline-block;font-weight:700;color:#fff;background:#b42318;border-radius:.25rem;padding:.125rem .5rem;margin:0 0 .5rem}
.fix{background:#f0f7f2;border:1px solid #b9d7c4;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.fix p{margin:0}
.entra{border-left:.25rem solid #c5cfc9;padding-left:.75rem}
dl.details{margin:0;display:grid;grid-template-columns:auto minmax(0,1fr);gap:.25rem .75rem}
dl.details dt{font-weight:600}
dl.details dd{margin:0}
footer{max-width:36rem;margin:0 auto 2rem;padding:0 1rem;color:#4a5750;font-size:.8125rem;text-align:center}
`;

function layout(title: string, body: string, width: "narrow" | "medium" | "wide" = "narrow"): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Graph Emulator</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLES}</style>
</head>
<body>
<div class="stripe" aria-hidden="true"></div>
<header class="banner"><span class="badge">Emulator</span><span class="banner-title">Graph Emulator · local test identity provider</span><span class="banner-note">Not Microsoft. Test accounts only.</span></header>
<main${width === "narrow" ? "" : ` class="${width}"`}>
${body}
</main>
<footer>Local emulator for development and testing only. Not a real identity provider. <a href="${DASHBOARD_PATH}">Emulator dashboard</a></footer>
</body>
</html>
`;
}

function hiddenInputs(hidden: HiddenFields): string {
  return Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
}

function formOpen(action: string, hidden: HiddenFields, extraHidden: HiddenFields = {}, attributes = ""): string {
  return `<form method="post" action="${escapeHtml(action)}"${attributes}>\n${hiddenInputs({ ...hidden, ...extraHidden })}`;
}

/** One or two letters for an avatar: the initials of a name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  const letters = (words.length > 1 ? [words[0], words[words.length - 1]] : [name.trim()]).map((w) => [...(w ?? "")][0] ?? "");
  return letters.join("").toUpperCase() || "?";
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
