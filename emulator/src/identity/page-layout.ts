/**
 * What every identity page shares: HTML escaping, the styles, the page frame
 * with its "emulator" banner, and the plain forms (no JavaScript).
 */

/** Form fields carried through a page unseen. */
export interface HiddenFields {
  [name: string]: string;
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
export const DASHBOARD_PATH = "/_emulator/ui/";

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

export function layout(title: string, body: string, width: "narrow" | "medium" | "wide" = "narrow"): string {
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

export function hiddenInputs(hidden: HiddenFields): string {
  return Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
}

export function formOpen(action: string, hidden: HiddenFields, extraHidden: HiddenFields = {}, attributes = ""): string {
  return `<form method="post" action="${escapeHtml(action)}"${attributes}>\n${hiddenInputs({ ...hidden, ...extraHidden })}`;
}

/** One or two letters for an avatar: the initials of a name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  const letters = (words.length > 1 ? [words[0], words[words.length - 1]] : [name.trim()]).map((w) => [...(w ?? "")][0] ?? "");
  return letters.join("").toUpperCase() || "?";
}
