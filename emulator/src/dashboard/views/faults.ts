import type { FaultRule } from "../../faults/engine.ts";
import { FAULT_NAMES, type FaultName } from "../../faults/schema.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import { page, postForm, relative, type PageContext } from "../layout.ts";

/** What each named fault answers, in the emulator's words. */
export const FAULT_DESCRIPTIONS: Record<FaultName, string> = {
  tenant_not_found: "Entra: unknown tenant (AADSTS90002)",
  consent_required: "Entra: consent required (AADSTS65001)",
  refresh_token_expired: "Entra: refresh token expired (AADSTS700082)",
  refresh_token_revoked: "Entra: refresh token revoked (AADSTS50173)",
  invalid_client: "Entra: wrong client secret (AADSTS7000215)",
  invalid_scope: "Entra: invalid scope (AADSTS70011)",
  authorization_request_denied: "Graph: 403 Authorization_RequestDenied",
  identity_not_found: "Graph: 401 Authorization_IdentityNotFound",
  throttled: "Graph: 429 TooManyRequests with Retry-After",
  service_unavailable: "Graph: 503 serviceNotAvailable with Retry-After",
  gateway_timeout: "Graph: 504 gatewayTimeout",
  latency: "Any: answer late, after the delay below",
  drop_connection: "Any: close the connection without an answer",
};

/** The add-fault form's values, kept as typed so a refused form comes back filled in. */
export type FaultForm = Record<"fault" | "area" | "method" | "path" | "tenant" | "clientId" | "userId" | "times" | "probability" | "seed" | "expiresIn" | "latencyMs" | "retryAfterSeconds", string>;

export const EMPTY_FAULT_FORM: FaultForm = {
  fault: "service_unavailable",
  area: "",
  method: "",
  path: "",
  tenant: "",
  clientId: "",
  userId: "",
  times: "",
  probability: "",
  seed: "",
  expiresIn: "",
  latencyMs: "",
  retryAfterSeconds: "",
};

export function readFaultForm(body: Record<string, unknown>): FaultForm {
  const out = { ...EMPTY_FAULT_FORM };
  for (const k of Object.keys(out) as (keyof FaultForm)[]) out[k] = typeof body[k] === "string" ? (body[k] as string).trim().slice(0, 500) : "";
  return out;
}

/** The control plane's fault body for a form (validated afterwards by the fault schema). */
export function faultBody(f: FaultForm): Record<string, unknown> {
  const n = (v: string) => (v === "" ? undefined : Number(v));
  const match: Record<string, string> = {};
  if (f.area) match.area = f.area;
  if (f.method) match.method = f.method.toUpperCase();
  for (const k of ["path", "tenant", "clientId", "userId"] as const) if (f[k]) match[k] = f[k];
  const body: Record<string, unknown> = {
    fault: f.fault,
    match,
    times: n(f.times),
    probability: n(f.probability),
    seed: n(f.seed),
    expiresIn: f.expiresIn || undefined,
    latencyMs: n(f.latencyMs),
    retryAfterSeconds: n(f.retryAfterSeconds),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function matchText(rule: FaultRule): SafeHtml {
  const m = rule.match;
  const parts = (["area", "method", "path", "tenant", "clientId", "userId"] as const).filter((k) => m[k]).map((k) => html`<span class="tag">${k}: ${m[k]}</span>`);
  return parts.length ? html`${parts}` : html`<span class="muted small">every request</span>`;
}

function rulesTable(ctx: PageContext, rules: FaultRule[]): SafeHtml {
  if (rules.length === 0) return html`<p class="empty">No fault rules: every request is answered normally.</p>`;
  return html`<table class="stack"><thead><tr><th scope="col">Fault</th><th scope="col">Matches</th><th scope="col">Fires</th><th scope="col" class="num">Fired</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead><tbody>${rules.map(
    (r) => html`<tr>
<td data-label="Fault"><strong>${r.fault}</strong><br><span class="muted small">${FAULT_DESCRIPTIONS[r.fault]}</span></td>
<td data-label="Matches">${matchText(r)}</td>
<td data-label="Fires">${r.times !== undefined ? `${r.times} time${r.times === 1 ? "" : "s"}` : "always"}${r.probability !== undefined ? `, probability ${r.probability}` : ""}</td>
<td data-label="Fired" class="num">${r.fired}</td>
<td data-label="Expires">${r.expiresAt ? relative(ctx.now, r.expiresAt) : "never"}</td>
<td data-label="Actions">${postForm(ctx, `/faults/${r.id}/delete`, html`<button type="submit" class="danger" aria-label="Remove the ${r.fault} fault">Remove</button>`)}</td>
</tr>`,
  )}</tbody></table>
${postForm(ctx, "/faults/clear", html`<button type="submit" class="danger">Remove every fault</button>`)}`;
}

function input(id: keyof FaultForm, label: string, value: string, hint: string, type = "text", extra = ""): SafeHtml {
  return html`<div class="field"><label for="fault-${id}">${label}</label><input type="${type}" id="fault-${id}" name="${id}" value="${value}" aria-describedby="fault-${id}-hint"${raw(
    extra,
  )}><span class="hint" id="fault-${id}-hint">${hint}</span></div>`;
}

export function faultsPage(ctx: PageContext, rules: FaultRule[], form: FaultForm, tenants: { id: string; displayName: string }[]): string {
  const select = (id: keyof FaultForm, options: [string, string][]) =>
    options.map(([v, l]) => html`<option value="${v}"${v === form[id] ? raw(" selected") : ""}>${l}</option>`);
  const body = html`<h1>Faults</h1>
<p class="lead">Make the emulator fail on purpose, the way Entra or Graph fail, to see how your app copes.</p>
<section class="card" aria-labelledby="rules-h"><h2 id="rules-h">Active rules</h2>${rulesTable(ctx, rules)}</section>
<section class="card" aria-labelledby="add-h"><h2 id="add-h">Add a fault</h2>
${postForm(
  ctx,
  "/faults",
  html`<div class="fields"><div class="field wide"><label for="fault-fault">Fault</label><select id="fault-fault" name="fault">${select(
    "fault",
    FAULT_NAMES.map((n) => [n, `${n}: ${FAULT_DESCRIPTIONS[n]}`]),
  )}</select></div></div>
<fieldset><legend>Which requests</legend><div class="fields">
<div class="field"><label for="fault-area">Area</label><select id="fault-area" name="area">${select("area", [
    ["", "The fault's own area"],
    ["identity", "Identity (sign-in, tokens)"],
    ["graph", "Microsoft Graph"],
    ["notifications", "Change notifications sent (latency, drop_connection)"],
  ])}</select></div>
<div class="field"><label for="fault-tenant">Tenant</label><select id="fault-tenant" name="tenant">${select("tenant", [["", "Any tenant"], ...tenants.map((t): [string, string] => [t.id, t.displayName])])}</select></div>
${input("method", "Method", form.method, "e.g. GET; empty for any")}
${input("path", "Path", form.path, "Substring, or /regex/, e.g. /v1.0/me")}
${input("clientId", "Client id", form.clientId, "Empty for any app")}
${input("userId", "User id", form.userId, "Empty for any user")}
</div></fieldset>
<fieldset><legend>How often</legend><div class="fields">
${input("times", "Times", form.times, "Empty: every matching request", "number", ' min="1" step="1"')}
${input("probability", "Probability", form.probability, "0 to 1; empty: always", "number", ' min="0" max="1" step="any"')}
${input("seed", "Seed", form.seed, "For repeatable probabilities", "number", ' step="1"')}
${input("expiresIn", "Expires in", form.expiresIn, "ISO 8601 duration, e.g. PT5M")}
</div></fieldset>
<fieldset><legend>Details</legend><div class="fields">
${input("retryAfterSeconds", "Retry-After seconds", form.retryAfterSeconds, "throttled, service_unavailable; default 10", "number", ' min="0" max="3600" step="1"')}
${input("latencyMs", "Delay (ms)", form.latencyMs, "latency; default 1000", "number", ' min="0" max="120000" step="1"')}
</div></fieldset>
<div class="actions"><button type="submit">Add fault</button></div>`,
)}
</section>`;
  return page(ctx, { title: "Faults", section: "faults", body });
}
