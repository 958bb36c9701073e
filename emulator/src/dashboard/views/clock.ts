import { html } from "../html.ts";
import { formatInstant, page, postForm, type PageContext } from "../layout.ts";

const PRESETS: [string, string][] = [
  ["PT1H", "1 hour"],
  ["P1D", "1 day"],
  ["P7D", "7 days"],
  ["P91D", "91 days"],
];

export function clockPage(ctx: PageContext, offsetMs: number, advance = ""): string {
  const ahead =
    offsetMs === 0
      ? "The clock runs with real time."
      : `The clock is ${(offsetMs / 3_600_000).toFixed(offsetMs % 3_600_000 === 0 ? 0 : 2)} hours ahead of real time.`;
  const body = html`<h1>Clock</h1>
<p class="lead">The emulator's clock decides what Entra and Graph consider expired: access tokens (1 hour), authorization codes, refresh tokens unused for 90 days, fault rules. It only moves forward.</p>
<section class="card" aria-labelledby="now-h"><h2 id="now-h">Now</h2>
<p class="stat"><time datetime="${ctx.now.toISOString()}">${formatInstant(ctx.now)}</time></p>
<p class="muted">${ahead} Your app keeps its own clock: MSAL still trusts its cached tokens until it refreshes.</p>
${offsetMs === 0 ? "" : postForm(ctx, "/clock", html`<input type="hidden" name="reset" value="1"><button type="submit" class="secondary">Back to real time</button>`)}
</section>
<section class="card" aria-labelledby="adv-h"><h2 id="adv-h">Advance</h2>
${postForm(ctx, "/clock", html`<div class="actions">${PRESETS.map(([v, l]) => html`<button type="submit" name="advance" value="${v}" class="secondary">+ ${l}</button>`)}</div>`)}
${postForm(
  ctx,
  "/clock",
  html`<div class="fields sub"><div class="field"><label for="advance">Advance by</label><input type="text" id="advance" name="advance" value="${advance}" required spellcheck="false" autocapitalize="none" aria-describedby="advance-hint"><span class="hint" id="advance-hint">ISO 8601 duration, e.g. PT90M or P2DT3H</span></div></div>
<div class="actions"><button type="submit">Advance the clock</button></div>`,
)}
</section>`;
  return page(ctx, { title: "Clock", section: "clock", body });
}
