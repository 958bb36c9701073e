import { FAVICON } from "../identity/page-layout.ts";
import { html, raw, type SafeHtml } from "./html.ts";

/** The dashboard's base path, as mounted by the control plane. */
export const UI = "/_emulator/ui";

export type Section = "overview" | "tenants" | "requests" | "faults" | "clock";

export interface PageContext {
  /** The emulator clock's "now", shown in the header. */
  now: Date;
  /** The token every form carries (see csrf.ts). */
  csrfToken: string;
  /** A one-line confirmation of the last action. */
  notice?: string | undefined;
  /** An error to show above the content. */
  error?: string | undefined;
}

const NAV: { id: Section; label: string; href: string }[] = [
  { id: "overview", label: "Overview", href: `${UI}/` },
  { id: "tenants", label: "Tenants", href: `${UI}/tenants` },
  { id: "requests", label: "Requests", href: `${UI}/requests` },
  { id: "faults", label: "Faults", href: `${UI}/faults` },
  { id: "clock", label: "Clock", href: `${UI}/clock` },
];

export function page(ctx: PageContext, options: { title: string; section: Section; body: SafeHtml; scripts?: string[] }): string {
  const nav = NAV.map((n) => html`<li><a href="${n.href}"${n.id === options.section ? raw(' aria-current="page"') : ""}>${n.label}</a></li>`);
  const scripts = (options.scripts ?? []).map((s) => html`<script src="${UI}/assets/${s}" defer></script>`);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} · Graph Emulator dashboard</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${UI}/assets/dashboard.css">
${scripts}
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<div class="stripe" aria-hidden="true"></div>
<header class="top">
<div class="top-inner">
<a class="brand" href="${UI}/"><span class="badge">Emulator</span> Graph Emulator</a>
<nav aria-label="Dashboard"><ul>${nav}</ul></nav>
<p class="now">Emulator clock <strong><time datetime="${ctx.now.toISOString()}">${formatInstant(ctx.now)}</time></strong></p>
</div>
</header>
<main id="content">
${ctx.notice ? html`<p class="notice" role="status">${ctx.notice}</p>` : ""}
${ctx.error ? html`<div class="alert" role="alert">${ctx.error}</div>` : ""}
${options.body}
</main>
</body>
</html>
`.text;
}

/** A form that POSTs to a dashboard action, with the anti-forgery token. */
export function postForm(ctx: PageContext, action: string, inner: SafeHtml, attributes: SafeHtml = raw("")): SafeHtml {
  return html`<form method="post" action="${UI}${action}"${attributes}><input type="hidden" name="csrf" value="${ctx.csrfToken}">${inner}</form>`;
}

/** "2026-03-01 14:05:09 UTC" */
export function formatInstant(value: Date | string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "3 days ago", "in 2 hours": relative to the emulator clock. */
export function relative(from: Date, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const t = typeof value === "number" ? value : new Date(value).getTime();
  if (Number.isNaN(t)) return "";
  const diff = t - from.getTime();
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
  ];
  for (const [ms, name] of units) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const text = `${n} ${name}${n === 1 ? "" : "s"}`;
      return diff < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return "just now";
}
