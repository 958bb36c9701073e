import { fileURLToPath } from "node:url";
import express from "express";
import request from "supertest";
import { beforeEach, describe, expect, it } from "vitest";
import { Clock } from "../clock.ts";
import { FaultEngine } from "../faults/engine.ts";
import { RequestJournal, type JournalEntry } from "../journal/journal.ts";
import { openStore, type Store } from "../store/store.ts";
import { addApplication, addUser } from "../tenants/admin.ts";
import { buildState, normalizeTenant, readFixtures } from "../tenants/seed.ts";
import { dashboardRouter } from "./routes.ts";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/tenants", import.meta.url));
const CONTOSO = "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50";
const ADELE = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
const EVIL = `<script>alert("x")</script>`;
const HOST = "emulator.test";
const ORIGIN = `http://${HOST}`;
const UI = "/_emulator/ui";

let store: Store;
let clock: Clock;
let journal: RequestJournal;
let faults: FaultEngine;
let app: express.Express;

beforeEach(async () => {
  store = await openStore({ seed: () => buildState(readFixtures(FIXTURES)), normalize: normalizeTenant });
  clock = new Clock();
  journal = new RequestJournal();
  faults = new FaultEngine(clock);
  app = express();
  app.use(UI, dashboardRouter({ store, clock, journal, faults }));
});

const get = (path: string) => request(app).get(`${UI}${path}`).set("host", HOST);

/** The anti-forgery token that the dashboard's pages put in their forms. */
async function token(): Promise<string> {
  const page = await get("/faults");
  const m = /name="csrf" value="([^"]+)"/.exec(page.text);
  if (!m) throw new Error("no token on the page");
  return m[1] as string;
}

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) {
  const req = request(app).post(`${UI}${path}`).set("host", HOST).type("form");
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req.send({ csrf: await token(), ...fields });
}

function entry(partial: Partial<Omit<JournalEntry, "time">>): Omit<JournalEntry, "id" | "time"> & { timeMs: number } {
  return {
    timeMs: clock.nowMs(),
    method: "GET",
    url: "/v1.0/me",
    area: "graph",
    tenant: CONTOSO,
    clientId: null,
    userId: null,
    status: 200,
    errorCode: null,
    durationMs: 3.2,
    headers: {},
    faultId: null,
    ...partial,
  };
}

const PAGES = ["/", "/tenants", `/tenants/${CONTOSO}`, `/tenants/${CONTOSO}/users`, `/tenants/${CONTOSO}/calendars`, "/requests", "/faults", "/clock"];

describe("dashboard pages", () => {
  it.each(PAGES)("%s is a complete page under a strict Content-Security-Policy, with no inline script or style", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.type).toBe("text/html");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.text.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style/i);
    expect(res.text.match(/<h1[ >]/g)).toHaveLength(1);
    // Every POST form carries the token.
    const forms = res.text.match(/<form method="post"[^>]*>/g) ?? [];
    expect(res.text.match(/name="csrf"/g)?.length ?? 0).toBe(forms.length);
  });

  it("serves its stylesheet and script", async () => {
    const css = await get("/assets/dashboard.css");
    expect(css.type).toBe("text/css");
    expect(css.text).toContain(".card");
    const js = await get("/assets/journal.js");
    expect(js.type).toBe("text/javascript");
    expect(js.text).toContain("textContent");
    expect(js.text).not.toContain("innerHTML");
  });

  it("lists tenants, applications with their permissions, consents and service principals", async () => {
    const overview = await get("/");
    expect(overview.text).toContain("Contoso");
    expect(overview.text).toContain("Fabrikam");
    const apps = (await get(`/tenants/${CONTOSO}`)).text;
    for (const text of ["Contoso Web Portal", "<code>Calendars.ReadWrite</code>", "Read and write the calendars of every mailbox", "All users (admin consent)", "Fabrikam Scheduler", "registered in another tenant"]) expect(apps).toContain(text);
  });

  it("shows an app's API (identifier URIs, scopes, roles and who holds them), SPA redirect URIs, certificates and API permissions", async () => {
    store.write(CONTOSO, (t) => {
      const api = addApplication(t, {
        displayName: "Orders API",
        identifierUris: ["api://orders"],
        scopes: [{ value: "Orders.Admin", adminConsentRequired: true }],
        appRoles: [{ value: "Approver", allowedMemberTypes: ["User"] }],
        accessTokenVersion: 2,
        groupMembershipClaims: "SecurityGroup",
      });
      addApplication(t, { displayName: "Orders SPA", spaRedirectUris: ["http://localhost:5173/spa"], apiPermissions: [{ resource: "api://orders", delegated: ["Orders.Admin"] }] });
      return api;
    });
    const page = (await get(`/tenants/${CONTOSO}`)).text;
    for (const text of ["api://orders", "v2 tokens", "<code>Orders.Admin</code> <span class=\"tag admin\">admin consent</span>", "<code>Approver</code>", "Group claims: SecurityGroup", "http://localhost:5173/spa"]) expect(page).toContain(text);
    expect(page).toMatch(/Permissions to other APIs<\/h4><ul class="small"><li>Orders API: <code>Orders.Admin<\/code>/);
  });

  it("lists users with their roles and active refresh tokens", async () => {
    const now = clock.now().toISOString();
    store.write(CONTOSO, (t) => {
      t.refreshTokens.push({ hash: "a", clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71", userId: ADELE, scopes: ["User.Read"], issuedAt: now, lastUsedAt: now, revokedAt: null });
      t.refreshTokens.push({ hash: "b", clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71", userId: ADELE, scopes: ["User.Read"], issuedAt: now, lastUsedAt: now, revokedAt: now });
      t.refreshTokens.push({ hash: "c", clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71", userId: ADELE, scopes: ["User.Read"], issuedAt: "2000-01-01T00:00:00Z", lastUsedAt: "2000-01-01T00:00:00Z", revokedAt: null });
    });
    const users = (await get(`/tenants/${CONTOSO}/users`)).text;
    const adele = users.slice(users.indexOf(`id="user-${ADELE}"`), users.indexOf("</tr>", users.indexOf(`id="user-${ADELE}"`)));
    expect(adele).toContain("1 active");
    expect(adele).toContain("Contoso Web Portal");
    expect(users).toContain("Global Administrator");
    expect(users).toContain("disabled");
  });

  it("answers an unknown tenant or page with a 404 page", async () => {
    expect((await get("/tenants/nowhere.example")).status).toBe(404);
    const missing = await get("/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("The dashboard has no page GET /_emulator/ui/nothing-here");
  });

  it("escapes everything that comes from state or requests", async () => {
    store.write(CONTOSO, (t) => {
      addUser(t, { displayName: EVIL, userPrincipalName: "evil@contoso.com", password: "Passw0rd!", directoryRoles: [] });
      addApplication(t, { displayName: EVIL, redirectUris: ["https://evil.example/cb?x=<b>"], delegatedPermissions: ["User.Read"] });
      t.calendars.push({ id: "c1", ownerId: ADELE, name: EVIL, isDefault: true, color: "auto", hexColor: `"><script>`, changeKey: "k", shares: [] });
      t.events.push({ id: "e1", calendarId: "c1", ownerId: ADELE, subject: EVIL, startMs: clock.nowMs() + 3_600_000 } as never);
    });
    journal.record(entry({ url: `/v1.0/users?$filter=${EVIL}`, errorCode: EVIL, clientId: EVIL }));
    faults.add({ fault: "latency", match: { path: EVIL }, latencyMs: 1, retryAfterSeconds: 1 });
    for (const path of [...PAGES, `/requests?path=${encodeURIComponent(EVIL)}`, `/tenants/${CONTOSO}/calendars?user=${encodeURIComponent(EVIL)}`]) {
      const res = await get(path);
      expect(res.text, path).not.toContain("<script>alert");
      expect(res.text, path).not.toContain(`"><script>`);
    }
    expect((await get(`/tenants/${CONTOSO}/users`)).text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("shows calendars and events whatever shape their records have", async () => {
    store.write(CONTOSO, (t) => {
      t.calendars.push({ id: "c1", ownerId: ADELE, name: "Work", isDefault: true, color: "auto", hexColor: "#2266aa", changeKey: "k", shares: [{ userId: "48d31887-5fad-4d73-a9f5-3c356e68a038", role: "read" }] });
      t.events.push(
        { id: "e1", calendarId: "c1", ownerId: ADELE, subject: "Standup", startMs: clock.nowMs() + 3_600_000, endMs: clock.nowMs() + 5_400_000, start: { dateTime: "2030-01-01T09:00:00.0000000", timeZone: "UTC" }, type: "seriesMaster", recurrence: { pattern: { type: "daily", interval: 2 }, range: { type: "numbered", numberOfOccurrences: 5 } } } as never,
        { id: "e2", ownerId: ADELE, subject: 42, start: "garbage", attendees: "nope", organizer: null } as never,
        { ownerId: ADELE } as never,
      );
    });
    const res = await get(`/tenants/${CONTOSO}/calendars`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Standup");
    expect(res.text).toContain("repeats daily (every 2), 5 times");
    expect(res.text).toContain('fill="#2266aa"');
    expect(res.text).toContain("shared with MeganB@contoso.onmicrosoft.com (read)");
    expect(res.text).toContain("(no subject)");
    const one = await get(`/tenants/${CONTOSO}/calendars?user=${ADELE}`);
    expect(one.text).toContain("Standup");
    expect(one.text).not.toContain("Megan Bowen</h3>");
  });

  it("filters the journal, and leaves the control plane out unless asked", async () => {
    journal.record(entry({ url: "/v1.0/users", clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71", userId: ADELE }));
    journal.record(entry({ url: "/_emulator/faults", area: "control" }));
    journal.record(entry({ url: `/${CONTOSO}/oauth2/v2.0/token`, area: "identity", status: 400, errorCode: "invalid_grant AADSTS50173" }));
    const all = (await get("/requests")).text;
    expect(all).toContain("/v1.0/users");
    expect(all).toContain("oauth2/v2.0/token");
    expect(all).not.toContain("/_emulator/faults");
    expect(all).toContain("Contoso Web Portal");
    expect(all).toContain("AdeleV@contoso.onmicrosoft.com");
    const control = (await get("/requests?area=control")).text;
    expect(control).toContain("/_emulator/faults");
    expect(control).not.toContain("/v1.0/users</td>");
    const errors = (await get("/requests?errorCode=50173")).text;
    expect(errors).toContain("oauth2/v2.0/token");
    expect(errors).not.toContain("/v1.0/users</td>");
    expect(errors).toContain("Filters (1 active)");
    expect(errors).toContain('data-api="/_emulator/requests?errorCode=50173&amp;limit=200"');
  });
});

describe("dashboard actions", () => {
  it("refuses a POST without the page's Origin, from another origin, or without the token", async () => {
    faults.add({ fault: "latency", match: {}, latencyMs: 1, retryAfterSeconds: 1 });
    const good = await token();
    const send = (headers: Record<string, string>, csrf = good) => {
      const req = request(app).post(`${UI}/faults/clear`).set("host", HOST).type("form");
      for (const [k, v] of Object.entries(headers)) req.set(k, v);
      return req.send({ csrf });
    };
    expect((await send({})).status).toBe(403);
    expect((await send({ origin: "https://evil.example" })).status).toBe(403);
    expect((await send({ origin: "null" })).status).toBe(403);
    expect((await send({ referer: "https://evil.example/page" })).status).toBe(403);
    expect((await send({ origin: ORIGIN }, "guess")).status).toBe(403);
    expect((await send({ origin: ORIGIN }, "")).status).toBe(403);
    expect(faults.list()).toHaveLength(1);
    // A browser that sends no Origin still sends the page as Referer.
    const ok = await send({ referer: `${ORIGIN}${UI}/faults` });
    expect(ok.status).toBe(303);
    expect(faults.list()).toHaveLength(0);
  });

  it("adds a fault from the form and redirects back with a notice", async () => {
    const res = await post("/faults", { fault: "throttled", area: "graph", method: "get", path: "/v1.0/users", tenant: CONTOSO, times: "2", retryAfterSeconds: "7", expiresIn: "PT5M", clientId: "", userId: "", probability: "", seed: "", latencyMs: "" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${UI}/faults?done=fault-added`);
    const [rule] = faults.list();
    expect(rule).toMatchObject({ fault: "throttled", match: { area: "graph", method: "GET", path: "/v1.0/users", tenant: CONTOSO }, times: 2, retryAfterSeconds: 7 });
    expect(rule?.expiresAt).not.toBeNull();
    const page = await get("/faults?done=fault-added");
    expect(page.text).toContain("Fault added.");
    expect(page.text).toContain("path: /v1.0/users");
  });

  it("shows a refused fault form again, filled in, with the reason", async () => {
    const res = await post("/faults", { fault: "latency", path: "/x", probability: "2", expiresIn: "later" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("The fault was not added.");
    expect(res.text).toContain("probability");
    expect(res.text).toContain('value="later"');
    expect(res.text).toMatch(/<option value="latency" selected>/);
    expect(faults.list()).toHaveLength(0);
    expect((await post("/faults", { fault: "no_such_fault" })).status).toBe(400);
  });

  it("removes one fault, and all of them", async () => {
    const a = faults.add({ fault: "latency", match: {}, latencyMs: 1, retryAfterSeconds: 1 });
    faults.add({ fault: "gateway_timeout", match: {}, latencyMs: 1, retryAfterSeconds: 1 });
    expect((await post(`/faults/${a.id}/delete`, {})).headers.location).toBe(`${UI}/faults?done=fault-removed`);
    expect(faults.list().map((f) => f.fault)).toEqual(["gateway_timeout"]);
    await post("/faults/clear", {});
    expect(faults.list()).toEqual([]);
  });

  it("revokes a user's sign-in sessions", async () => {
    const issued = new Date(clock.nowMs() - 1000).toISOString();
    store.write(CONTOSO, (t) => t.refreshTokens.push({ hash: "x", clientId: "a", userId: ADELE, scopes: [], issuedAt: issued, lastUsedAt: issued, revokedAt: null }));
    const res = await post(`/tenants/${CONTOSO}/users/${ADELE}/revoke`, {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${UI}/tenants/${CONTOSO}/users?done=revoked#user-${ADELE}`);
    expect(store.read(CONTOSO, (t) => t.refreshTokens.find((r) => r.hash === "x")?.revokedAt)).not.toBeNull();
    expect((await post(`/tenants/${CONTOSO}/users/nobody/revoke`, {})).status).toBe(404);
  });

  it("revokes a consent grant", async () => {
    const id = store.read(CONTOSO, (t) => t.consentGrants[0]?.id) as string;
    const res = await post(`/tenants/${CONTOSO}/consents/${id}/delete`, {});
    expect(res.headers.location).toBe(`${UI}/tenants/${CONTOSO}?done=consent-revoked`);
    expect(store.read(CONTOSO, (t) => t.consentGrants.some((g) => g.id === id))).toBe(false);
    expect((await post(`/tenants/${CONTOSO}/consents/${id}/delete`, {})).status).toBe(404);
  });

  it("advances and resets the clock, and refuses a malformed duration", async () => {
    const res = await post("/clock", { advance: "p1d" });
    expect(res.headers.location).toBe(`${UI}/clock?done=clock`);
    expect(clock.offsetMs).toBe(86_400_000);
    expect((await post("/clock", { advance: "P1D", back: "overview" })).headers.location).toBe(`${UI}/?done=clock`);
    const bad = await post("/clock", { advance: "tomorrow" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("is not an ISO 8601 duration");
    await post("/clock", { reset: "1" });
    expect(clock.offsetMs).toBe(0);
  });

  it("clears the journal", async () => {
    journal.record(entry({}));
    expect((await post("/requests/clear", {})).headers.location).toBe(`${UI}/requests?done=journal-cleared`);
    expect(journal.query()).toEqual([]);
  });

  it("shows notices only for known codes, never text from the URL", async () => {
    const res = await get(`/?done=${encodeURIComponent("Your emulator was hacked")}`);
    expect(res.text).not.toContain("hacked");
    expect(res.text).not.toContain('class="notice"');
  });
});
