/**
 * HTML pages for the emulated authorize endpoint (sign-in, consent, error, info).
 *
 * Pure functions returning complete HTML5 documents. No JavaScript: every page
 * is a plain form that works with scripting disabled. Styling is inline and
 * deliberately distinct from Microsoft's look so nobody mistakes it for the
 * real login.microsoftonline.com.
 */

export interface HiddenFields {
  [name: string]: string;
}

export interface SignInPageInput {
  action: string;
  hidden: HiddenFields;
  tenantName: string;
  appName: string;
  users: { displayName: string; userPrincipalName: string }[];
  loginHint?: string;
  errorMessage?: string;
}

export interface ConsentPageInput {
  action: string;
  hidden: HiddenFields;
  appName: string;
  appId: string;
  userName: string;
  permissions: { value: string; description: string; adminConsentRequired: boolean }[];
  canConsentForOrganization: boolean;
}

export interface ErrorPageInput {
  aadsts: number;
  title: string;
  description: string;
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

const STYLES = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:#eef1f4;color:#1b1f24;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
.banner{display:flex;align-items:center;gap:.5rem;padding:.5rem 1rem;background:#1d3b2a;color:#fff;font-size:.875rem}
.badge{display:inline-block;padding:.125rem .5rem;border:1px solid #9fd8b4;border-radius:999px;font-weight:600;letter-spacing:.02em}
main{width:100%;max-width:30rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #c9d1d9;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card+.card{margin-top:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
p{margin:0 0 1rem}
.muted{color:#4a545e;font-size:.875rem}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=email],input[type=password]{display:block;width:100%;padding:.625rem .75rem;margin:0 0 1rem;font:inherit;color:inherit;background:#fff;border:1px solid #6b7580;border-radius:.375rem}
button{font:inherit;cursor:pointer;border-radius:.375rem;padding:.625rem 1.25rem;border:1px solid #1f5f3b;background:#1f6f45;color:#fff;font-weight:600}
button:hover{background:#185a37}
button.secondary{background:#fff;color:#1f5f3b}
button.secondary:hover{background:#e8f3ec}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
input:focus-visible{border-color:#b35c00}
.actions{display:flex;flex-wrap:wrap;gap:.75rem}
.alert{border:1px solid #b42318;border-left-width:.375rem;background:#fdecea;color:#7a1a12;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.accounts{list-style:none;margin:0;padding:0}
.accounts li+li{margin-top:.5rem}
.accounts form{margin:0}
.account{display:block;width:100%;text-align:left;background:#f6f8fa;color:#1b1f24;border-color:#c9d1d9;font-weight:400}
.account:hover{background:#e8f3ec}
.account strong{display:block}
.account span{display:block;color:#4a545e;font-size:.875rem}
.perms{list-style:none;margin:0 0 1rem;padding:0;border-top:1px solid #d8dee4}
.perms li{padding:.625rem 0;border-bottom:1px solid #d8dee4}
.perms code{font-weight:600}
.tag{display:inline-block;margin-left:.375rem;padding:0 .375rem;border-radius:.25rem;background:#fff4d6;color:#6b4700;border:1px solid #d9a400;font-size:.75rem;font-weight:600}
.check{display:flex;gap:.5rem;align-items:flex-start;margin:0 0 1rem}
.check input{margin-top:.3rem;width:1.125rem;height:1.125rem;flex:none}
.check label{margin:0}
.code{display:inline-block;font-weight:700;color:#b42318;margin:0 0 .25rem}
dl.details{margin:0;display:grid;grid-template-columns:auto minmax(0,1fr);gap:.25rem .75rem}
dl.details dt{font-weight:600}
dl.details dd{margin:0}
footer{max-width:30rem;margin:0 auto 2rem;padding:0 1rem;color:#4a545e;font-size:.8125rem;text-align:center}
`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Graph Emulator</title>
<style>${STYLES}</style>
</head>
<body>
<header class="banner"><span class="badge">Graph Emulator · local test identity provider</span></header>
<main>
${body}
</main>
<footer>Local emulator for development and testing only. Not a real identity provider.</footer>
</body>
</html>
`;
}

function hiddenInputs(hidden: HiddenFields): string {
  return Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
}

function formOpen(action: string, hidden: HiddenFields, extraHidden: HiddenFields = {}): string {
  return `<form method="post" action="${escapeHtml(action)}">\n${hiddenInputs({ ...hidden, ...extraHidden })}`;
}

export function renderSignInPage(input: SignInPageInput): string {
  const alert = input.errorMessage
    ? `<div class="alert" role="alert">${escapeHtml(input.errorMessage)}</div>\n`
    : "";
  const accounts = input.users
    .map(
      (u) => `<li>
${formOpen(input.action, input.hidden, { username: u.userPrincipalName, pick: "1" })}
<button type="submit" class="account"><strong>${escapeHtml(u.displayName)}</strong><span>${escapeHtml(u.userPrincipalName)}</span></button>
</form>
</li>`,
    )
    .join("\n");
  const picker =
    input.users.length > 0
      ? `<section class="card" aria-labelledby="pick-heading">
<h2 id="pick-heading">Pick an account</h2>
<ul class="accounts">
${accounts}
</ul>
</section>`
      : "";
  return layout(
    "Sign in",
    `<section class="card" aria-labelledby="signin-heading">
<h1 id="signin-heading">Sign in</h1>
<p class="muted">to <strong>${escapeHtml(input.appName)}</strong> with your <strong>${escapeHtml(input.tenantName)}</strong> account</p>
${alert}${formOpen(input.action, input.hidden)}
<label for="username">Email or username</label>
<input type="text" inputmode="email" id="username" name="username" autocomplete="username" spellcheck="false" autocapitalize="none" value="${escapeHtml(input.loginHint ?? "")}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</section>
${picker}`,
  );
}

export function renderConsentPage(input: ConsentPageInput): string {
  const perms = input.permissions
    .map(
      (p) => `<li><code>${escapeHtml(p.value)}</code>${
        p.adminConsentRequired ? ` <span class="tag">Admin consent required</span>` : ""
      }<br><span class="muted">${escapeHtml(p.description)}</span></li>`,
    )
    .join("\n");
  const orgConsent = input.canConsentForOrganization
    ? `<div class="check"><input type="checkbox" id="consent_for_org" name="consent_for_org" value="1"><label for="consent_for_org">Consent on behalf of your organization</label></div>\n`
    : "";
  return layout(
    "Permissions requested",
    `<section class="card" aria-labelledby="consent-heading">
<h1 id="consent-heading">Permissions requested</h1>
<p><strong>${escapeHtml(input.appName)}</strong><br><span class="muted mono">App ID: ${escapeHtml(input.appId)}</span></p>
<p class="muted">Signed in as <strong>${escapeHtml(input.userName)}</strong></p>
<h2>This app would like to:</h2>
<ul class="perms">
${perms}
</ul>
${formOpen(input.action, input.hidden)}
${orgConsent}<div class="actions">
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
<p>${escapeHtml(input.description)}</p>
<h2>How to fix</h2>
<p>${escapeHtml(input.fix)}</p>
</section>
<section class="card" aria-labelledby="details-heading">
<h2 id="details-heading">Technical details</h2>
<dl class="details muted mono">
<dt>Trace ID</dt><dd>${escapeHtml(input.traceId)}</dd>
<dt>Correlation ID</dt><dd>${escapeHtml(input.correlationId)}</dd>
<dt>Timestamp</dt><dd>${escapeHtml(input.timestamp)}</dd>
</dl>
</section>`,
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
