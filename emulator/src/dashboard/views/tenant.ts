import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { findApplicationPermission, findDelegated } from "../../identity/graph-resource.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import { UI, formatInstant, page, postForm, relative, type PageContext } from "../layout.ts";
import { activeRefreshTokens, appName, userLabel } from "../data.ts";
import { apiDetails } from "./api-app.ts";

type Tenant = DeepReadonly<TenantState>;
export type TenantTab = "apps" | "users" | "calendars";

export function tenantHeader(t: { id: string; displayName: string; defaultDomain: string }, tab: TenantTab): SafeHtml {
  const tabs: [TenantTab, string, string][] = [
    ["apps", "Applications", `${UI}/tenants/${t.id}`],
    ["users", "Users", `${UI}/tenants/${t.id}/users`],
    ["calendars", "Calendars", `${UI}/tenants/${t.id}/calendars`],
  ];
  return html`<p class="small"><a href="${UI}/tenants">Tenants</a> › ${t.displayName}</p>
<h1>${t.displayName}</h1>
<p class="lead"><span class="mono">${t.id}</span> · ${t.defaultDomain}</p>
<nav aria-label="Tenant sections"><ul class="tabs">${tabs.map(
    ([id, label, href]) => html`<li><a href="${href}"${id === tab ? raw(' aria-current="page"') : ""}>${label}</a></li>`,
  )}</ul></nav>`;
}

function delegatedList(scopes: readonly string[]): SafeHtml {
  if (scopes.length === 0) return html`<p class="empty">None.</p>`;
  return html`${scopes.map((s) => {
    const p = findDelegated(s);
    return html`<span class="perm"><code>${s}</code>${p?.adminConsentRequired ? html` <span class="tag admin">admin consent</span>` : ""} <span class="muted small">${p?.description ?? ""}</span></span>`;
  })}`;
}

function applicationList(scopes: readonly string[]): SafeHtml {
  if (scopes.length === 0) return html`<p class="empty">None.</p>`;
  return html`${scopes.map((s) => html`<span class="perm"><code>${s}</code> <span class="muted small">${findApplicationPermission(s)?.description ?? ""}</span></span>`)}`;
}

function consentsFor(ctx: PageContext, t: Tenant, appId: string): SafeHtml {
  const grants = t.consentGrants.filter((g) => g.clientId.toLowerCase() === appId.toLowerCase());
  if (grants.length === 0) return html`<p class="empty">No consent in this tenant yet: users see the consent page at sign-in.</p>`;
  return html`<ul class="grants small">${grants.map(
    (g) => html`<li><span class="grant-what">${g.consentType === "AllPrincipals" ? html`<span class="tag ok">All users (admin consent)</span>` : html`<span class="tag">User</span> ${userLabel(t, g.principalId)}`}
<br>${g.scopes.map((s) => html`<code>${s}</code> `)}</span>
${postForm(ctx, `/tenants/${t.id}/consents/${g.id}/delete`, html`<button type="submit" class="danger" aria-label="Revoke consent of ${g.consentType === "AllPrincipals" ? "all users" : userLabel(t, g.principalId)} to ${appName(t, appId)}">Revoke consent</button>`, raw(' class="inline"'))}</li>`,
  )}</ul>`;
}

function servicePrincipal(t: Tenant, appId: string, withAppId = false): SafeHtml {
  const sp = t.servicePrincipals.find((s) => s.appId.toLowerCase() === appId.toLowerCase());
  if (!sp) return html`<p class="empty">No service principal in this tenant: the app cannot get tokens here until someone consents.</p>`;
  return html`<dl class="facts small">${withAppId ? html`<dt>Application (client) id</dt><dd class="mono">${sp.appId}</dd>` : ""}<dt>Object id</dt><dd class="mono">${sp.id}</dd><dt>Granted app roles</dt><dd>${
    sp.appRoleAssignments.length ? sp.appRoleAssignments.map((r) => html`<code>${r}</code> `) : html`<span class="muted">none</span>`
  }</dd></dl>`;
}

export function applicationsPage(ctx: PageContext, t: Tenant): string {
  const registered = t.applications.map(
    (a) => html`<section class="card" aria-labelledby="app-${a.appId}">
<div class="app-head"><h3 id="app-${a.appId}">${a.displayName}</h3><span>${a.signInAudience === "AzureADMultipleOrgs" ? html`<span class="tag">multi-tenant</span>` : html`<span class="tag">single tenant</span>`}${
      a.secrets.length ? html`<span class="tag">${a.secrets.length} secret${a.secrets.length === 1 ? "" : "s"}</span>` : ""
    }${(a.certificates ?? []).length ? html`<span class="tag">${(a.certificates ?? []).length} certificate${(a.certificates ?? []).length === 1 ? "" : "s"}</span>` : ""}${
      !a.secrets.length && !(a.certificates ?? []).length ? html`<span class="tag">public client</span>` : ""
    }</span></div>
<dl class="facts small"><dt>Application (client) id</dt><dd class="mono">${a.appId}</dd><dt>Redirect URIs</dt><dd>${
      a.redirectUris.length ? a.redirectUris.map((u) => html`<span class="mono">${u}</span><br>`) : html`<span class="muted">none</span>`
    }</dd>${(a.certificates ?? []).length ? html`<dt>Certificate thumbprints (SHA-1)</dt><dd>${(a.certificates ?? []).map((c) => html`<span class="mono">${c.thumbprint}</span> <span class="muted">until ${c.endDateTime.slice(0, 10)}</span><br>`)}</dd>` : ""}</dl>
<div class="cols">
<div><h4 class="h4">Delegated permissions</h4>${delegatedList(a.delegatedPermissions)}</div>
<div><h4 class="h4">Application permissions</h4>${applicationList(a.applicationPermissions)}</div>
</div>
${apiDetails(t, a)}
<div class="cols sub">
<div><h4 class="h4">Consents</h4>${consentsFor(ctx, t, a.appId)}</div>
<div><h4 class="h4">Service principal</h4>${servicePrincipal(t, a.appId)}</div>
</div>
</section>`,
  );
  const foreign = t.servicePrincipals.filter((sp) => !t.applications.some((a) => a.appId.toLowerCase() === sp.appId.toLowerCase()));
  const external = foreign.map(
    (sp) => html`<section class="card" aria-labelledby="sp-${sp.appId}">
<div class="app-head"><h3 id="sp-${sp.appId}">${sp.displayName}</h3><span class="tag">registered in another tenant</span></div>
<div class="cols">
<div><h4 class="h4">Service principal</h4>${servicePrincipal(t, sp.appId, true)}</div>
<div><h4 class="h4">Consents</h4>${consentsFor(ctx, t, sp.appId)}</div>
</div>
</section>`,
  );
  const body = html`${tenantHeader(t, "apps")}
<h2>Applications registered here</h2>
${registered.length ? registered : html`<p class="empty">No applications. POST /_emulator/tenants/${t.id}/applications registers one.</p>`}
${external.length ? html`<h2>Applications from other tenants</h2>${external}` : ""}`;
  return page(ctx, { title: `${t.displayName}: applications`, section: "tenants", body });
}

export function usersPage(ctx: PageContext, t: Tenant): string {
  const nowMs = ctx.now.getTime();
  const rows = t.users.map((u) => {
    const tokens = activeRefreshTokens(t, u.id, nowMs);
    const sessions = t.sessions.filter((s) => s.userId === u.id).length;
    const revokeLabel = `Revoke sessions of ${u.displayName}`;
    return html`<tr id="user-${u.id}">
<td data-label="User"><strong>${u.displayName}</strong><br><span class="small">${u.userPrincipalName}</span><br><span class="mono small muted">${u.id}</span></td>
<td data-label="Roles">${u.directoryRoles.length ? u.directoryRoles.map((r) => html`<span class="tag role">${r}</span>`) : html`<span class="muted small">member</span>`}</td>
<td data-label="Account">${u.accountEnabled ? html`<span class="tag ok">enabled</span>` : html`<span class="tag bad">disabled</span>`}</td>
<td data-label="Refresh tokens">${
      tokens.length === 0
        ? html`<span class="muted small">none active</span>`
        : html`<strong>${tokens.length} active</strong><ul class="plain small">${tokens.map(
            (k) => html`<li>${k.appName}: <span class="muted">issued ${relative(ctx.now, k.issuedAt)}, used ${relative(ctx.now, k.lastUsedAt)}</span></li>`,
          )}</ul>`
    }</td>
<td data-label="Browser sessions" class="num">${sessions}</td>
<td data-label="Revoke">${postForm(ctx, `/tenants/${t.id}/users/${u.id}/revoke`, html`<button type="submit" class="danger" aria-label="${revokeLabel}">Revoke sessions</button>`)}
${u.tokensValidFrom && new Date(u.tokensValidFrom).getTime() > 0 ? html`<span class="small muted">Last revoked ${formatInstant(u.tokensValidFrom)}</span>` : ""}</td>
</tr>`;
  });
  const body = html`${tenantHeader(t, "users")}
<section class="card" aria-labelledby="users-h"><h2 id="users-h">Users</h2>
<p class="muted small">Revoking works like Graph's revokeSignInSessions: every refresh token of the user stops working (AADSTS50173) and the browser session ends.</p>
${rows.length ? html`<table class="stack"><thead><tr><th scope="col">User</th><th scope="col">Directory roles</th><th scope="col">Account</th><th scope="col">Refresh tokens</th><th scope="col" class="num">Browser sessions</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">No users.</p>`}
</section>`;
  return page(ctx, { title: `${t.displayName}: users`, section: "tenants", body });
}
