import type { JournalEntry } from "../../journal/journal.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import { UI, page, postForm, type PageContext } from "../layout.ts";

/** The journal filters as the GET form sends them; "area" adds "all-but-control" (the default) and "all". */
export interface RequestFilters {
  area: string;
  method: string;
  path: string;
  status: string;
  tenant: string;
  clientId: string;
  userId: string;
  errorCode: string;
  limit: string;
}

export const FILTER_NAMES = ["area", "method", "path", "status", "tenant", "clientId", "userId", "errorCode", "limit"] as const;

export function readFilters(query: Record<string, unknown>): RequestFilters {
  const get = (k: string) => (typeof query[k] === "string" ? (query[k] as string).trim().slice(0, 200) : "");
  const area = get("area");
  return {
    area: ["identity", "graph", "control", "other", "notifications", "all"].includes(area) ? area : "",
    method: get("method").toUpperCase(),
    path: get("path"),
    status: /^\d{3}$/.test(get("status")) ? get("status") : "",
    tenant: get("tenant"),
    clientId: get("clientId"),
    userId: get("userId"),
    errorCode: get("errorCode"),
    limit: /^\d{1,4}$/.test(get("limit")) && Number(get("limit")) >= 1 ? get("limit") : "200",
  };
}

/** The journal query (the control plane's GET /_emulator/requests parameters) for these filters. */
export function journalParams(f: RequestFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.area && f.area !== "all") p.set("area", f.area);
  for (const k of ["method", "path", "status", "tenant", "clientId", "userId", "errorCode"] as const) if (f[k]) p.set(k, f[k]);
  p.set("limit", f.limit);
  return p;
}

/** A URL as people read it: percent-escapes decoded (secrets are already redacted by the journal). */
export function readableUrl(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** Names for the client and user ids of the journal (app display names, user principal names). */
export type Names = Map<string, string>;

function who(names: Names, label: string, id: string | null): SafeHtml {
  if (!id) return html`<td data-label="${label}" class="who"></td>`;
  const name = names.get(id.toLowerCase());
  return html`<td data-label="${label}" class="who" title="${id}">${name ?? ""}<span class="id mono">${id.slice(0, 8)}…</span></td>`;
}

function row(names: Names, e: JournalEntry): SafeHtml {
  return html`<tr>
<td data-label="Time" class="mono nowrap">${e.time.slice(11, 23)}</td>
<td data-label="Method" class="nowrap">${e.method}</td>
<td data-label="URL" class="mono">${readableUrl(e.url)}</td>
<td data-label="Area" class="nowrap">${e.area}</td>
<td data-label="Status" class="nowrap"><span class="status-${String(e.status).charAt(0)}">${e.status}</span></td>
<td data-label="Error" class="mono">${e.errorCode ?? ""}</td>
${who(names, "Client", e.clientId)}
${who(names, "User", e.userId)}
<td data-label="Fault">${e.faultId ? "fault" : ""}</td>
<td data-label="ms" class="num nowrap">${Math.round(e.durationMs)}</td>
</tr>`;
}

function textField(id: keyof RequestFilters, label: string, value: string, hint = ""): SafeHtml {
  return html`<div class="field"><label for="f-${id}">${label}</label><input type="text" id="f-${id}" name="${id}" value="${value}"${
    hint ? html` aria-describedby="f-${id}-hint"` : ""
  }>${hint ? html`<span class="hint" id="f-${id}-hint">${hint}</span>` : ""}</div>`;
}

export function requestsPage(ctx: PageContext, filters: RequestFilters, entries: JournalEntry[], tenants: { id: string; displayName: string }[], names: Names): string {
  const areas: [string, string][] = [
    ["", "Identity, Graph, notifications and other (not the control plane)"],
    ["identity", "Identity (sign-in, tokens)"],
    ["graph", "Microsoft Graph"],
    ["notifications", "Change notifications sent"],
    ["control", "Control plane"],
    ["other", "Other"],
    ["all", "Everything"],
  ];
  const hideControl = filters.area === "";
  const shown = (hideControl ? entries.filter((e) => e.area !== "control") : entries).slice().reverse();
  const lastId = entries.reduce((m, e) => Math.max(m, e.id), 0);
  const api = `/_emulator/requests?${journalParams(filters).toString()}`;
  const active = (Object.keys(filters) as (keyof RequestFilters)[]).filter((k) => k !== "limit" && filters[k] !== "").length + (filters.limit !== "200" ? 1 : 0);
  const namesJson = JSON.stringify(Object.fromEntries(names));
  const tenantOptions = tenants.map((t) => html`<option value="${t.id}"${t.id === filters.tenant ? raw(" selected") : ""}>${t.displayName}</option>`);
  const body = html`<h1>Requests</h1>
<p class="lead">The request journal: every request the emulator answered, newest first, with secrets redacted.</p>
<form method="get" action="${UI}/requests" class="card">
<details class="filters"${active > 0 ? raw(" open") : ""}><summary>Filters${active > 0 ? ` (${active} active)` : ""}</summary>
<div class="fields">
<div class="field"><label for="f-area">Area</label><select id="f-area" name="area">${areas.map(([v, l]) => html`<option value="${v}"${v === filters.area ? raw(" selected") : ""}>${l}</option>`)}</select></div>
<div class="field"><label for="f-tenant">Tenant</label><select id="f-tenant" name="tenant"><option value="">Any tenant</option>${tenantOptions}</select></div>
${textField("method", "Method", filters.method, "GET, POST…")}
${textField("path", "Path contains", filters.path)}
${textField("status", "Status", filters.status, "e.g. 429")}
${textField("errorCode", "Error code contains", filters.errorCode, "e.g. AADSTS65001")}
${textField("clientId", "Client id", filters.clientId)}
${textField("userId", "User id", filters.userId)}
${textField("limit", "Show at most", filters.limit)}
</div>
<div class="actions"><button type="submit">Apply filters</button><a href="${UI}/requests">Clear filters</a></div>
</details>
</form>
<section class="card" aria-labelledby="journal-h">
<div class="app-head"><h2 id="journal-h">Journal</h2>
<div class="live"><button type="button" id="live-toggle" class="secondary" aria-pressed="false" hidden>Live: off</button><span id="live-status" class="small muted" role="status"></span><a href="${UI}/requests?${new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString()}">Refresh</a>
${postForm(ctx, "/requests/clear", html`<button type="submit" class="danger">Clear journal</button>`, raw(' class="inline"'))}</div></div>
<p id="journal-empty" class="empty"${shown.length ? raw(" hidden") : ""}>No requests match.</p>
<table id="journal" class="stack" data-names="${namesJson}" data-api="${api}" data-last-id="${lastId}" data-limit="${filters.limit}" data-hide-control="${hideControl ? "1" : "0"}">
<thead><tr><th scope="col" class="nowrap">Time (UTC)</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Area</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Client</th><th scope="col">User</th><th scope="col">Fault</th><th scope="col" class="num">ms</th></tr></thead>
<tbody>${shown.map((e) => row(names, e))}</tbody>
</table>
</section>`;
  return page(ctx, { title: "Requests", section: "requests", body, scripts: ["journal.js"] });
}
