import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clock } from "../../clock.ts";
import { GraphError } from "../../errors/graph-error.ts";
import { FaultEngine } from "../../faults/engine.ts";
import { RequestJournal } from "../../journal/journal.ts";
import { notePut, type Change } from "../../store/changes.ts";
import { openStore, type Store } from "../../store/store.ts";
import type { CalendarEvent, GraphSubscription } from "../../store/types.ts";
import { emptyTenant } from "../../tenants/seed.ts";
import { readChanges } from "./change-feed.ts";
import { insertSubscription } from "./model.ts";
import { ChangeNotifications } from "./notifications.ts";
import { Outgoing } from "./outgoing.ts";
import { validateEndpoint } from "./validation.ts";
import { WebhookClient } from "./webhook-client.ts";

const TENANT = "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50";
const received: { path: string; body: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  // /fail answers 500, /silent never answers, anything else 202.
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      received.push({ path, body });
      if (path === "/silent") return;
      res.writeHead(path === "/fail" ? 500 : 202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out; received ${JSON.stringify(received)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("ChangeNotifications", () => {
  let store: Store;
  let journal: RequestJournal;
  let notifications: ChangeNotifications;

  beforeAll(async () => {
    const clock = new Clock();
    store = await openStore({ seed: () => ({ version: 1, tenants: [emptyTenant({ id: TENANT, displayName: "T", defaultDomain: "t.example", domains: [] })] }) });
    journal = new RequestJournal();
    notifications = new ChangeNotifications({ store, clock, journal, faults: new FaultEngine(clock), caCert: "", schedule: { timeoutMs: 1_000, retryDelaysMs: [20, 20] } });
  });
  afterAll(async () => notifications.close());

  it("drops a notification after its retries and sends `missed` to an Outlook subscription's lifecycle URL", async () => {
    const subscription: GraphSubscription = {
      id: "3f0f4f4e-0000-4000-8000-000000000001",
      resource: "users/u1/events",
      target: { kind: "events", ownerId: "u1", calendarId: null },
      changeType: "created",
      notificationUrl: `${base}/fail`,
      lifecycleNotificationUrl: `${base}/lifecycle`,
      clientState: "s",
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      applicationId: "app",
      creatorId: "sp",
      delegated: false,
      latestSupportedTlsVersion: "v1_2",
    };
    store.write(TENANT, (t) => insertSubscription(t, subscription));
    const event = { id: "e1", ownerId: "u1", calendarId: "c1", changeKey: "k1", type: "singleInstance" } as unknown as CalendarEvent;
    store.write(TENANT, (t) => notePut(t, "events", event, true));
    // The receiver sees the lifecycle request before its answer reaches the sender, which journals it then.
    await waitUntil(() => received.some((r) => r.path === "/lifecycle") && journal.query({ area: "notifications" }).length >= 4);
    expect(received.filter((r) => r.path === "/fail")).toHaveLength(3);
    const lifecycle = JSON.parse(received.find((r) => r.path === "/lifecycle")?.body ?? "{}");
    expect(lifecycle.value).toEqual([
      { subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationDateTime, tenantId: TENANT, clientState: "s", lifecycleEvent: "missed", organizationId: TENANT },
    ]);
    const entries = journal.query({ area: "notifications" });
    expect(entries.map((e) => e.status)).toEqual([500, 500, 500, 202]);
    expect(entries[0]).toMatchObject({ method: "POST", tenant: TENANT, clientId: "app", userId: null });
  });

  it("a tenant removed right after a write (or during retries) is quietly left alone", async () => {
    const before = received.length;
    const event = { id: "e2", ownerId: "u1", calendarId: "c1", changeKey: "k2", type: "singleInstance" } as unknown as CalendarEvent;
    store.write(TENANT, (t) => notePut(t, "events", event, true));
    expect(store.removeTenant(TENANT)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(received.slice(before).filter((r) => r.path === "/fail")).toEqual([]);
  });
});

describe("the validation handshake", () => {
  it("a receiver that does not answer in time: Graph's 'timed out' 400", async () => {
    const clock = new Clock();
    const stopping = new AbortController();
    const client = new WebhookClient("");
    const outgoing = new Outgoing({ client, journal: new RequestJournal(), faults: new FaultEngine(clock), clock, stopping: stopping.signal });
    const refusal = await validateEndpoint(outgoing, `${base}/silent`, { tenant: TENANT, clientId: "app", userId: null }, 200).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GraphError);
    expect(refusal).toMatchObject({ status: 400, code: "InvalidRequest", message: "Subscription validation request timed out." });
    await client.close();
  });
});

describe("reading a write's changes", () => {
  const put = (record: Record<string, unknown>, added = false): Change => ({ kind: "put", collection: "events", record, ...(added ? { added: true as const } : {}) });
  const event = (id: string, type = "singleInstance") => ({ id, ownerId: "u1", calendarId: "c1", changeKey: `k-${id}`, type });

  it("counts each event once: created then changed is created, created then removed is nothing, a new exception is the series updated", () => {
    const batch = readChanges([
      put(event("a"), true),
      put(event("a")),
      put(event("b"), true),
      { kind: "remove", collection: "events", key: "b", partition: "events-00", record: event("b") },
      put(event("c")),
      { kind: "remove", collection: "events", key: "c", partition: "events-00", record: event("c") },
      put(event("d", "exception"), true),
    ]);
    expect(batch.changes.map((c) => [c.id, c.changeType])).toEqual([
      ["a", "created"],
      ["c", "deleted"],
      ["d", "updated"],
    ]);
    expect(batch.access).toBe(false);
  });

  it("reads users from the change log (every change is `updated`, once per user) and notes consent changes", () => {
    const batch = readChanges([
      { kind: "put", collection: "userChanges", record: { seq: 1, userId: "u1", kind: "created" } },
      { kind: "put", collection: "userChanges", record: { seq: 2, userId: "u1", kind: "updated" } },
      { kind: "put", collection: "userChanges", record: { seq: 3, userId: "u2", kind: "deleted" } },
      { kind: "collection", collection: "consentGrants" },
    ]);
    expect(batch.changes).toEqual([
      { kind: "user", changeType: "updated", id: "u1" },
      { kind: "user", changeType: "updated", id: "u2" },
    ]);
    expect(batch.access).toBe(true);
  });
});
