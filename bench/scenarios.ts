import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../emulator/src/admin/admin-client.ts";
import { httpsClient } from "./lib.ts";
import { startServer, type ServerHandle } from "./servers.ts";

/**
 * The small-data scenarios: the emulator in this process (in memory, default
 * fixtures) and the baselines beside it, each in a worker thread of its own,
 * and the requests each scenario sends.
 */

export const SMALL_SCENARIOS = ["me", "batch", "users", "filter", "token", "events", "calendarview", "calendardelta"] as const;
export type SmallScenarioId = (typeof SMALL_SCENARIOS)[number];

export const CONTOSO = "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50";
const WEB_PORTAL = { appId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71", secret: "contoso-web-portal-secret-value" };
const DAEMON = { appId: "9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c13", secret: "contoso-daemon-secret-value" };
const ADELE = { id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd", upn: "AdeleV@contoso.onmicrosoft.com", displayName: "Adele Vance" };
const LEE = { id: "e3d0513b-449e-4198-ba6f-bd97ae7cae85", upn: "LeeG@contoso.onmicrosoft.com", displayName: "Lee Gu" };
const PASSWORD = "Passw0rd!";
const MONTH = "startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-01T00:00:00Z";
const YEAR = "startDateTime=2025-01-01T00:00:00Z&endDateTime=2026-01-01T00:00:00Z";
export const FILTER_PATH = "/v1.0/users?$filter=startswith(displayName,'Ad')&$top=100";

export interface Scenario {
  id: SmallScenarioId;
  title: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: number;
  /** Runs after each emulator run (e.g. to undo its writes). */
  afterEmulatorRun?: () => Promise<void>;
  /** For the sequential probe: DELETE each created item again. */
  cleanupBase?: string;
}

export interface Small {
  emulator: ServerHandle;
  /** https://127.0.0.1:port of the emulator */
  base: string;
  baselines: ServerHandle[];
  call: ReturnType<typeof httpsClient>;
  scenario(id: SmallScenarioId, log?: (line: string) => void): Promise<Scenario>;
  /** A delegated token of Adele (User.Read, Calendars.ReadWrite) as request headers. */
  adeleHeaders(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

const FIRST = ["Adele", "Adrian", "Aisha", "Alex", "Amir", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Diego", "Elena", "Emma", "Farah", "Grace", "Hiro"];
const LAST = ["Vance", "Bowen", "Wilber", "Langer", "Gu", "Fernandez", "Adams", "Brooks", "Dubois", "Eriksen", "Fischer", "Garcia"];

export async function startSmall(options: { baselines?: boolean } = {}): Promise<Small> {
  const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-bench-"));
  // The emulator first: it creates the certificate the baselines use too.
  const emulator = await startServer("emulator", dataDir);
  const baselines = options.baselines === false ? [] : [await startServer("bare Express", dataDir), await startServer("raw node", dataDir)];
  const base = emulator.base;
  const call = httpsClient(emulator.caCert);
  const admin = new AdminClient(base, emulator.caCert as string);

  const tokenFor = async (tenant: string, params: Record<string, string>): Promise<string> => {
    const reply = await call(`${base}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    const body = JSON.parse(reply.body) as { access_token?: string };
    if (!body.access_token) throw new Error(`token (${params.grant_type}): ${reply.status} ${reply.body.slice(0, 400)}`);
    return body.access_token;
  };

  // The Web Portal (delegated User.Read, Calendars.ReadWrite) gets tenant-wide consent, as an admin would give.
  await admin.grantConsent(CONTOSO, { clientId: WEB_PORTAL.appId, consentType: "AllPrincipals", scopes: ["User.Read", "Calendars.ReadWrite"] });
  const delegated = (upn: string) =>
    tokenFor(CONTOSO, { grant_type: "password", client_id: WEB_PORTAL.appId, client_secret: WEB_PORTAL.secret, username: upn, password: PASSWORD, scope: "User.Read Calendars.ReadWrite" });
  const asAdele = { authorization: `Bearer ${await delegated(ADELE.upn)}` };

  // A directory of a few hundred users (a clone of Contoso plus 250), so that $top=100 fills a page.
  let directory: { id: string; asApp: Record<string, string> } | undefined;
  const needDirectory = async () => {
    if (directory) return directory;
    const tenant = await admin.createTenant({ from: CONTOSO, displayName: "Bench Directory" });
    const daemon = tenant.applications.find((a) => a.sourceAppId === DAEMON.appId);
    if (!daemon?.clientSecret) throw new Error("the cloned tenant has no daemon app");
    for (let i = 0; i < 250; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, k) => {
          const n = i + k;
          const given = FIRST[n % FIRST.length] as string;
          const surname = LAST[(n * 7) % LAST.length] as string;
          return admin.createUser(tenant.id, { displayName: `${given} ${surname}`, givenName: given, surname, userPrincipalName: `${given}.${surname}${n}@${tenant.defaultDomain}`.toLowerCase(), password: PASSWORD });
        }),
      );
    }
    const appToken = await tokenFor(tenant.id, { grant_type: "client_credentials", client_id: daemon.appId, client_secret: daemon.clientSecret, scope: "https://graph.microsoft.com/.default" });
    directory = { id: tenant.id, asApp: { authorization: `Bearer ${appToken}` } };
    return directory;
  };

  let seeded = false;
  /** Lee's mailbox with 9,500 single events and 500 series, filled once. */
  const asLeeSeeded = async (log: (line: string) => void): Promise<Record<string, string>> => {
    const asLee = { authorization: `Bearer ${await delegated(LEE.upn)}` };
    if (!seeded) {
      // The mailbox's calendars exist once first used; then 9,500 single events and 500 series go in.
      await call(`${base}/v1.0/me/calendar`, { headers: asLee });
      const t0 = performance.now();
      await emulator.seedMailbox({ tenantId: CONTOSO, owner: LEE, singles: 9_500, series: 500 });
      seeded = true;
      log(`\nSeeded ${LEE.upn} with 9,500 events and 500 series in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return asLee;
  };
  const scenario = async (id: SmallScenarioId, log: (line: string) => void = () => {}): Promise<Scenario> => {
    switch (id) {
      case "me":
        return { id, title: "GET /v1.0/me", method: "GET", path: "/v1.0/me", headers: asAdele, expectStatus: 200 };
      case "batch": {
        // The same 20 GET /me in one $batch: each is authorized, throttled and journaled on its own.
        const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), method: "GET", url: "/me" }));
        return {
          id,
          title: "POST /v1.0/$batch of 20 GET /me",
          method: "POST",
          path: "/v1.0/$batch",
          headers: { ...asAdele, "content-type": "application/json" },
          body: JSON.stringify({ requests }),
          expectStatus: 200,
        };
      }
      case "users": {
        const d = await needDirectory();
        return { id, title: "GET /v1.0/users?$top=100", method: "GET", path: "/v1.0/users?$top=100", headers: d.asApp, expectStatus: 200 };
      }
      case "filter": {
        const d = await needDirectory();
        return { id, title: "indexed $filter (startswith, $top=100)", method: "GET", path: FILTER_PATH, headers: d.asApp, expectStatus: 200 };
      }
      case "token":
        return {
          id,
          title: "POST token (client credentials)",
          method: "POST",
          path: `/${CONTOSO}/oauth2/v2.0/token`,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: DAEMON.appId, client_secret: DAEMON.secret, scope: "https://graph.microsoft.com/.default" }).toString(),
          expectStatus: 200,
        };
      case "events": {
        // Load runs create thousands of events: the state goes back to a snapshot after each emulator run.
        const snapshot = await admin.snapshot();
        return {
          id,
          title: "POST /v1.0/me/events",
          method: "POST",
          path: "/v1.0/me/events",
          headers: { ...asAdele, "content-type": "application/json" },
          body: JSON.stringify({ subject: "bench event", start: { dateTime: "2025-05-06T10:00:00", timeZone: "UTC" }, end: { dateTime: "2025-05-06T10:30:00", timeZone: "UTC" } }),
          expectStatus: 201,
          afterEmulatorRun: async () => void (await admin.loadSnapshot(snapshot)),
          cleanupBase: `${base}/v1.0/me/events`,
        };
      }
      case "calendarview": {
        const asLee = await asLeeSeeded(log);
        return { id, title: "calendarView, one month (10,000-event mailbox)", method: "GET", path: `/v1.0/me/calendarView?${MONTH}&$count=true`, headers: asLee, expectStatus: 200 };
      }
      case "calendardelta": {
        // Each request begins a round: the year's items are fingerprinted and a sync state is stored (20 kept).
        const asLee = await asLeeSeeded(log);
        return { id, title: "calendarView delta, first page of a year (10,000-event mailbox)", method: "GET", path: `/v1.0/me/calendarView/delta?${YEAR}`, headers: asLee, expectStatus: 200 };
      }
    }
  };

  return {
    emulator,
    base,
    baselines,
    call,
    scenario,
    adeleHeaders: async () => asAdele,
    async close() {
      call.close();
      for (const b of baselines) await b.close();
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
