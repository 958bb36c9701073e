import type { DeepReadonly } from "../../store/store.ts";
import type { Application, TenantState } from "../../store/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { appName, userLabel } from "../data.ts";

type Tenant = DeepReadonly<TenantState>;

/** An app's API side (identifier URIs, scopes, app roles, who holds them) and its SPA platform and API permissions. */
export function apiDetails(t: Tenant, a: DeepReadonly<Application>): SafeHtml {
  const parts: SafeHtml[] = [];
  if ((a.spaRedirectUris ?? []).length) {
    parts.push(html`<div><h4 class="h4">Single-page application redirect URIs</h4>${(a.spaRedirectUris ?? []).map((u) => html`<span class="mono small">${u}</span><br>`)}</div>`);
  }
  if ((a.identifierUris ?? []).length || (a.scopes ?? []).length || (a.appRoles ?? []).length) {
    const sp = t.servicePrincipals.find((s) => s.appId.toLowerCase() === a.appId.toLowerCase());
    const holders = (role: string) => (sp?.appRoleAssignedTo ?? []).filter((x) => x.appRole === role).map((x) => (x.principalType === "User" ? userLabel(t, x.principalId) : x.principalDisplayName));
    parts.push(html`<div><h4 class="h4">Exposes an API <span class="tag">v${String(a.accessTokenVersion ?? 1)} tokens</span></h4>
<p class="small">${(a.identifierUris ?? []).map((u) => html`<span class="mono">${u}</span> `)}</p>
${(a.scopes ?? []).length ? html`<p class="small">Scopes: ${(a.scopes ?? []).map((s) => html`<code>${s.value}</code>${s.adminConsentRequired ? html` <span class="tag admin">admin consent</span>` : ""} `)}</p>` : ""}
${(a.appRoles ?? []).length ? html`<ul class="small">${(a.appRoles ?? []).map((r) => html`<li><code>${r.value}</code> <span class="muted">${r.allowedMemberTypes.join(", ")}</span>${holders(r.value).length ? html` · held by ${holders(r.value).join(", ")}` : ""}</li>`)}</ul>` : ""}
${a.groupMembershipClaims && a.groupMembershipClaims !== "None" ? html`<p class="small">Group claims: ${a.groupMembershipClaims}</p>` : ""}</div>`);
  }
  if ((a.apiPermissions ?? []).length) {
    parts.push(html`<div><h4 class="h4">Permissions to other APIs</h4><ul class="small">${(a.apiPermissions ?? []).map(
      (p) => html`<li>${appName(t, p.resourceAppId)}: ${[...p.delegated, ...p.application].map((s) => html`<code>${s}</code> `)}</li>`,
    )}</ul></div>`);
  }
  return parts.length ? html`<div class="cols sub">${parts}</div>` : html``;
}
