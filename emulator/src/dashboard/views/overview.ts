import { html, type SafeHtml } from "../html.ts";
import { UI, formatInstant, page, postForm, relative, type PageContext } from "../layout.ts";
import type { TenantOverview } from "../data.ts";
import type { JournalEntry } from "../../journal/journal.ts";
import type { FaultRule } from "../../faults/engine.ts";

export function tenantTable(tenants: TenantOverview[]): SafeHtml {
  if (tenants.length === 0) return html`<p class="empty">No tenants. POST /_emulator/reset brings the fixtures back.</p>`;
  const rows = tenants.map(
    (t) => html`<tr>
<td data-label="Tenant"><a href="${UI}/tenants/${t.id}"><strong>${t.displayName}</strong></a><br><span class="mono small muted">${t.id}</span></td>
<td data-label="Domains">${t.domains.map((d) => html`<span class="tag">${d}</span>`)}</td>
<td data-label="Users" class="num"><a href="${UI}/tenants/${t.id}/users">${t.users}</a></td>
<td data-label="Apps" class="num"><a href="${UI}/tenants/${t.id}">${t.applications}</a></td>
<td data-label="Consents" class="num">${t.consents}</td>
<td data-label="Active refresh tokens" class="num">${t.activeRefreshTokens}</td>
<td data-label="Events" class="num"><a href="${UI}/tenants/${t.id}/calendars">${t.events}</a></td>
</tr>`,
  );
  return html`<table class="stack">
<caption class="sr-only">Tenants</caption>
<thead><tr><th scope="col">Tenant</th><th scope="col">Domains</th><th scope="col" class="num">Users</th><th scope="col" class="num">Apps</th><th scope="col" class="num">Consents</th><th scope="col" class="num">Active refresh tokens</th><th scope="col" class="num">Events</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

export function overviewPage(ctx: PageContext, data: { tenants: TenantOverview[]; faults: FaultRule[]; errors: JournalEntry[]; requestCount: number; offsetMs: number }): string {
  const errors =
    data.errors.length === 0
      ? html`<p class="empty">No failed requests yet.</p>`
      : html`<ul class="small">${data.errors.map(
          (e) => html`<li><span class="status-${String(e.status).charAt(0)}">${e.status}</span> ${e.method} <span class="mono">${e.url.slice(0, 80)}</span>${e.errorCode ? html` <span class="tag bad">${e.errorCode}</span>` : ""} <span class="muted">${relative(ctx.now, e.time)}</span></li>`,
        )}</ul>`;
  const body = html`<h1>Overview</h1>
<p class="lead">What this emulator holds right now. Everything here is also in the JSON control plane under <code>/_emulator</code>.</p>
<div class="cards">
<section class="card" aria-labelledby="clock-h"><h2 id="clock-h">Clock</h2>
<p class="stat time">${formatInstant(ctx.now)}</p>
<p class="muted small">${data.offsetMs === 0 ? "Running with real time." : `Moved ${Math.round(data.offsetMs / 60_000)} minutes ahead of real time.`}</p>
${postForm(ctx, "/clock", html`<input type="hidden" name="back" value="overview"><div class="actions"><button type="submit" name="advance" value="P1D" class="secondary">Advance 1 day</button><button type="submit" name="advance" value="P91D" class="secondary">Advance 91 days</button><a href="${UI}/clock">More…</a></div>`)}
</section>
<section class="card" aria-labelledby="faults-h"><h2 id="faults-h">Faults</h2>
<p class="stat">${data.faults.length}</p>
<p class="muted small">${data.faults.length === 0 ? "No fault rules: every request is answered normally." : data.faults.map((f) => f.fault).join(", ")}</p>
<p><a href="${UI}/faults">Add or remove faults</a></p>
</section>
<section class="card" aria-labelledby="req-h"><h2 id="req-h">Requests</h2>
<p class="stat">${data.requestCount}</p>
<p class="muted small">requests in the journal.</p>
<p><a href="${UI}/requests">Open the live journal</a></p>
</section>
</div>
<section class="card" aria-labelledby="tenants-h"><h2 id="tenants-h">Tenants</h2>
${tenantTable(data.tenants)}
</section>
<section class="card" aria-labelledby="errors-h"><h2 id="errors-h">Recent failures</h2>
${errors}
</section>`;
  return page(ctx, { title: "Overview", section: "overview", body });
}

export function tenantsPage(ctx: PageContext, tenants: TenantOverview[]): string {
  const body = html`<h1>Tenants</h1>
<p class="lead">Each tenant is a directory of its own: users, applications, consents and calendars.</p>
<section class="card" aria-labelledby="tenants-h"><h2 id="tenants-h">All tenants</h2>${tenantTable(tenants)}</section>`;
  return page(ctx, { title: "Tenants", section: "tenants", body });
}
