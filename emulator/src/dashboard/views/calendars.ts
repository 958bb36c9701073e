import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState } from "../../store/types.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import { UI, page, relative, type PageContext } from "../layout.ts";
import { mailboxes, type EventView, type MailboxView } from "../data.ts";
import { tenantHeader } from "./tenant.ts";

type Tenant = DeepReadonly<TenantState>;

function eventRows(ctx: PageContext, events: EventView[]): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Subject</th><th scope="col">Calendar</th><th scope="col">Organizer</th><th scope="col" class="num">Attendees</th></tr></thead><tbody>${events.map(
    (e) => html`<tr>
<td data-label="When"><span class="small">${e.type === "seriesMaster" ? "From " : ""}${e.start}${e.isAllDay ? " (all day)" : ""}</span>${
      e.type === "seriesMaster" ? html`<br><span class="muted small">repeats ${e.recurrence}</span>` : e.startMs !== null ? html`<br><span class="muted small">${relative(ctx.now, e.startMs)}</span>` : ""
    }</td>
<td data-label="Subject"><strong>${e.subject}</strong>${e.isCancelled ? html` <span class="tag bad">cancelled</span>` : ""}${
      e.type === "seriesMaster" ? html` <span class="tag">series</span>` : e.type === "exception" ? html` <span class="tag warn">changed occurrence</span>` : ""
    }${e.location ? html`<br><span class="muted small">${e.location}</span>` : ""}</td>
<td data-label="Calendar">${e.calendarName}</td>
<td data-label="Organizer">${e.organizer}</td>
<td data-label="Attendees" class="num">${e.attendees}</td>
</tr>`,
  )}</tbody></table>`;
}

function mailboxSection(ctx: PageContext, m: MailboxView): SafeHtml {
  const now = ctx.now.getTime();
  const upcoming = m.events.filter((e) => e.type === "seriesMaster" || e.endMs === null || e.endMs >= now);
  const past = m.events.length - upcoming.length;
  const calendars = m.calendars.map(
    (c) => html`<li>${c.hexColor ? html`<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false"><rect width="12" height="12" rx="3" fill="${c.hexColor}"/></svg>` : ""}<strong>${c.name}</strong>${c.isDefault ? html` <span class="tag">default</span>` : ""}${
      c.shares.length ? html` <span class="muted small">shared with ${c.shares.map((s) => `${s.user} (${s.role})`).join(", ")}</span>` : ""
    }</li>`,
  );
  return html`<section class="card" aria-labelledby="mb-${m.userId}" id="mailbox-${m.userId}">
<div class="app-head"><h3 id="mb-${m.userId}">${m.userName}</h3><span class="small muted">${m.upn}</span></div>
${m.calendars.length === 0 && m.events.length === 0 ? html`<p class="empty">No calendar yet.</p>` : html`<h4>Calendars</h4><ul class="small">${calendars}</ul>
<h4>Upcoming and recurring events</h4>
${upcoming.length ? eventRows(ctx, upcoming) : html`<p class="empty">Nothing upcoming.</p>`}
${past ? html`<p class="muted small">${past} past event${past === 1 ? "" : "s"} not shown.</p>` : ""}`}
</section>`;
}

export function calendarsPage(ctx: PageContext, t: Tenant, selectedUser: string | undefined): string {
  const all = mailboxes(t);
  const withData = all.filter((m) => m.calendars.length > 0 || m.events.length > 0);
  const shown = selectedUser ? all.filter((m) => m.userId === selectedUser) : withData;
  const picker = html`<form method="get" action="${UI}/tenants/${t.id}/calendars" class="card">
<div class="fields"><div class="field wide picker"><label for="cal-user">Mailbox</label><select id="cal-user" name="user">
<option value="">Every mailbox with a calendar</option>
${all.map((m) => html`<option value="${m.userId}"${m.userId === selectedUser ? raw(" selected") : ""}>${m.userName} (${m.calendars.length} calendar${m.calendars.length === 1 ? "" : "s"}, ${m.events.length} event${m.events.length === 1 ? "" : "s"})</option>`)}
</select></div></div>
<div class="actions"><button type="submit" class="secondary">Show</button></div>
</form>`;
  const body = html`${tenantHeader(t, "calendars")}
<p class="muted small">Times are shown as the event's own wall-clock time and zone. Calendar fixtures are loaded the first time an app uses this tenant's calendars.</p>
${picker}
<h2>${selectedUser ? "Mailbox" : "Mailboxes with a calendar"}</h2>
${shown.length ? shown.map((m) => mailboxSection(ctx, m)) : html`<p class="empty">No mailbox of this tenant has a calendar yet.</p>`}`;
  return page(ctx, { title: `${t.displayName}: calendars`, section: "tenants", body });
}
