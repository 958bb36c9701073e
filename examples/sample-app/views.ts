import type { Profile, UpcomingEvent } from "./graph.ts";

/** The sample's pages: plain server-rendered HTML, no JavaScript. */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v: unknown): string => String(v ?? "").replace(/[&<>"']/g, (c) => ESC[c] ?? c);

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;background:#f4f5fb;color:#1c1e2b;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;overflow-wrap:anywhere}
header{background:#2b2f7a;color:#fff}
.bar{max-width:60rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.logo{font-weight:700;font-size:1.125rem;color:#fff;text-decoration:none}
.logo span{font-weight:400;color:#d3d6ff;font-size:.875rem;margin-left:.5rem}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 .5rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
p{margin:0 0 1rem}
.lead{color:#4b4f66;max-width:40rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,20rem),1fr))}
.card{background:#fff;border:1px solid #d5d8ea;border-radius:.75rem;padding:1.25rem}
.btn{display:inline-block;font:inherit;font-weight:600;cursor:pointer;border-radius:.5rem;padding:.625rem 1.25rem;border:1px solid #2b2f7a;background:#3a3fa0;color:#fff;text-decoration:none}
.btn:hover{background:#2b2f7a}
.btn.light{background:#fff;color:#2b2f7a;border-color:#fff;padding:.375rem .875rem;font-size:.9375rem}
.btn.light:hover{background:#e6e8ff}
:focus-visible{outline:3px solid #e08a00;outline-offset:2px}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.375rem 1rem;margin:0}
dt{font-weight:600;color:#4b4f66}
dd{margin:0}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.875rem}
ul.events{list-style:none;margin:0;padding:0}
ul.events li{padding:.625rem 0;border-top:1px solid #e4e6f2}
ul.events li:first-child{border-top:0;padding-top:0}
.when{display:block;color:#4b4f66;font-size:.875rem}
.problem{border:1px solid #b42318;border-left-width:.375rem;background:#fdecea;color:#6f1710;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.problem strong{display:block}
.note{border:1px solid #c9cce3;border-left-width:.375rem;background:#f3f4fb;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
footer{max-width:60rem;margin:0 auto;padding:0 1rem 2rem;color:#4b4f66;font-size:.875rem}
form{margin:0}
`;

export interface Problem {
  title: string;
  detail: string;
  code?: string;
}

function layout(title: string, body: string, options: { signedIn: boolean; emulatorUrl: string }): string {
  const action = options.signedIn
    ? `<form method="post" action="/signout"><button type="submit" class="btn light">Sign out</button></form>`
    : `<a class="btn light" href="/signin">Sign in</a>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Contoso Portal sample</title>
<style>${CSS}</style>
</head>
<body>
<header><div class="bar"><a class="logo" href="/">Contoso Portal<span>sample app</span></a>${action}</div></header>
<main>
${body}
</main>
<footer>Signs in against the Graph Emulator at <span class="mono">${esc(options.emulatorUrl)}</span>. See what happened in the <a href="${esc(options.emulatorUrl)}/_emulator/ui/">emulator dashboard</a>.</footer>
</body>
</html>
`;
}

export function problemBox(p: Problem): string {
  return `<div class="problem" role="alert"><strong>${esc(p.title)}</strong>${p.code ? `<span class="mono">${esc(p.code)}</span><br>` : ""}${esc(p.detail)}</div>`;
}

export function signedOutPage(emulatorUrl: string, problem?: Problem): string {
  return layout(
    "Welcome",
    `<h1>Contoso Portal</h1>
<p class="lead">A sample web app: it signs you in with Microsoft Entra ID (here, the Graph Emulator's sign-in pages) and shows your profile and your next events from Microsoft Graph.</p>
${problem ? problemBox(problem) : ""}
<p><a class="btn" href="/signin">Sign in with Microsoft</a></p>`,
    { signedIn: false, emulatorUrl },
  );
}

function formatWhen(e: UpcomingEvent): string {
  const day = (s: string) => s.slice(0, 10);
  const time = (s: string) => s.slice(11, 16);
  if (e.isAllDay) return `${day(e.start)}, all day`;
  return day(e.start) === day(e.end) ? `${day(e.start)} ${time(e.start)}–${time(e.end)} UTC` : `${day(e.start)} ${time(e.start)} – ${day(e.end)} ${time(e.end)} UTC`;
}

export type EventsResult = { kind: "events"; events: UpcomingEvent[] } | { kind: "no-access"; detail: string } | { kind: "problem"; problem: Problem };

export function homePage(emulatorUrl: string, profile: { ok: Profile } | { problem: Problem }, events: EventsResult | undefined): string {
  const profileCard =
    "ok" in profile
      ? `<section class="card" aria-labelledby="profile-h"><h2 id="profile-h">Your profile</h2><dl>
<dt>Name</dt><dd>${esc(profile.ok.displayName)}</dd>
<dt>Email</dt><dd>${esc(profile.ok.mail ?? profile.ok.userPrincipalName)}</dd>
<dt>Job title</dt><dd>${esc(profile.ok.jobTitle ?? "—")}</dd>
<dt>Office</dt><dd>${esc(profile.ok.officeLocation ?? "—")}</dd>
<dt>Object id</dt><dd class="mono">${esc(profile.ok.id)}</dd>
</dl></section>`
      : `<section class="card" aria-labelledby="profile-h"><h2 id="profile-h">Your profile</h2>${problemBox(profile.problem)}<p><a href="/">Try again</a></p></section>`;
  let eventsBody: string;
  if (!events) eventsBody = `<p class="note">Not loaded.</p>`;
  else if (events.kind === "no-access") eventsBody = `<p class="note"><strong>No calendar access.</strong> ${esc(events.detail)}</p>`;
  else if (events.kind === "problem") eventsBody = problemBox(events.problem);
  else if (events.events.length === 0) eventsBody = `<p class="note">Nothing in your calendar for the next two weeks.</p>`;
  else
    eventsBody = `<ul class="events">${events.events
      .map((e) => `<li><strong>${esc(e.subject)}</strong><span class="when">${esc(formatWhen(e))}${e.location ? ` · ${esc(e.location)}` : ""}</span></li>`)
      .join("")}</ul>`;
  return layout(
    "Home",
    `<h1>${"ok" in profile ? `Hello, ${esc(profile.ok.displayName)}` : "Hello"}</h1>
<p class="lead">You are signed in. This page reads <span class="mono">GET /v1.0/me</span> and <span class="mono">GET /v1.0/me/calendarView</span> with your access token.</p>
<div class="grid">
${profileCard}
<section class="card" aria-labelledby="events-h"><h2 id="events-h">Your next events</h2>${eventsBody}</section>
</div>`,
    { signedIn: true, emulatorUrl },
  );
}

export function problemPage(emulatorUrl: string, title: string, problem: Problem, status: "signed-in" | "signed-out" = "signed-out"): string {
  return layout(
    title,
    `<h1>${esc(title)}</h1>
${problemBox(problem)}
<p><a class="btn" href="/signin">Try again</a> <a href="/">Home</a></p>`,
    { signedIn: status === "signed-in", emulatorUrl },
  );
}
