import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import { announce, client, expectHealthy, expectNoPollution, fuzz, graphWrite, idSegment, nasty, payload, timeoutFor, type Send } from "./fuzz-support.ts";

/**
 * Random bodies on POST and PATCH /subscriptions (and random ids on GET,
 * DELETE and reauthorize): never a 5xx, always an answer, every 4xx in
 * Graph's envelope. Receivers are on loopback only (one that answers the
 * handshake, one that is closed), so nothing leaves the machine.
 */
const ADELE = { id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd", upn: "AdeleV@contoso.onmicrosoft.com", password: "Passw0rd!" };
let emu: TestEmulator;
let send: Send;
let adele: string;
let app: string;
let receiver: Server;
let echo = "";
let closed = "";

beforeAll(async () => {
  announce("fuzz-graph-subscriptions");
  emu = await startTestEmulator();
  send = client(emu);
  adele = await userToken(emu, CONTOSO.id, ADELE, ["Calendars.Read", "User.Read.All"]);
  app = await appToken(emu, CONTOSO.id, ["Calendars.Read", "User.Read.All"]);
  receiver = createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    req.resume();
    req.on("end", () => res.writeHead(token === null ? 202 : 200, { "content-type": "text/plain" }).end(token ?? ""));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  echo = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
  closed = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/gone`;
  await new Promise<void>((r) => gone.close(() => r()));
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app);
});
afterAll(async () => {
  await emu?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

const anyJson = fc.jsonValue({ maxDepth: 2 });
const extras = fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "id", "applicationId", "@odata.type", "Resource"), nasty), anyJson, { maxKeys: 2 });
const url = () =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(echo) },
    { weight: 1, arbitrary: fc.constantFrom(closed, `${echo}?code=x&a=%zz`, "http://example.com/hook", "https:////hook", "ftp://127.0.0.1/x", "http://[::1", "https://127.0.0.1:1/x", "") },
    { weight: 1, arbitrary: nasty },
    { weight: 1, arbitrary: anyJson },
  );
const instant = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -120, max: 50_000 }).map((m) => new Date(Date.now() + m * 60_000).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom("2030-01-01T10:00:00", "2030-02-30T10:00:00Z", "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z", "2030-01-01T10:00:00.123456789+14:00", "") },
  { weight: 1, arbitrary: fc.oneof(nasty, anyJson) },
);
const body = () =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.record(
            {
              changeType: fc.oneof(fc.constantFrom("created", "updated,deleted", "created,updated,deleted", "Created", "created,", "moved", ""), nasty, anyJson),
              notificationUrl: url(),
              lifecycleNotificationUrl: fc.oneof(url(), fc.constant(null)),
              resource: fc.oneof(
                fc.constantFrom("me/events", "/me/calendar/events", `users/${ADELE.upn}/events`, "users", `users/${ADELE.id}`, "users/nobody", "me/calendars/x/events", "me/messages", "users/%zz/events", ""),
                nasty,
                anyJson,
              ),
              expirationDateTime: instant,
              clientState: fc.oneof(fc.string({ maxLength: 140 }), nasty, fc.constant(null), anyJson),
              includeResourceData: fc.oneof(fc.boolean(), anyJson),
              latestSupportedTlsVersion: fc.oneof(fc.constantFrom("v1_2", "v1_3", "v9"), anyJson),
            },
            { requiredKeys: [] },
          ),
          extras,
        )
        .map(([f, x]) => ({ ...x, ...f })),
    },
    { weight: 1, arbitrary: anyJson },
  );

describe("random subscription bodies never give a 5xx", () => {
  it("POST, PATCH, GET, DELETE and reauthorize /subscriptions", { timeout: timeoutFor("bodies: subscriptions") }, async () => {
    const input = fc.record({
      op: fc.constantFrom("post", "post", "patch", "get", "delete", "reauthorize"),
      delegated: fc.boolean(),
      create: payload(body()),
      patch: payload(fc.oneof(fc.record({ expirationDateTime: instant, notificationUrl: url() }, { requiredKeys: [] }), anyJson)),
      id: fc.oneof({ weight: 3, arbitrary: fc.constant("own") }, { weight: 1, arbitrary: idSegment(["00000000-0000-0000-0000-000000000000"]) }),
    });
    await fuzz("bodies: subscriptions", input, async ({ op, delegated, create, patch, id }) => {
      const token = delegated ? adele : app;
      if (op === "post") {
        const res = await graphWrite(send, token, "POST", "/v1.0/subscriptions", create.body, create.headers);
        if (res.status === 201) await graphWrite(send, token, "DELETE", `/v1.0/subscriptions/${res.json.id as string}`, undefined, {});
        return;
      }
      let target = id;
      if (id === "own") {
        const made = await graphWrite(send, token, "POST", "/v1.0/subscriptions", Buffer.from(JSON.stringify({
          changeType: "updated", notificationUrl: echo, resource: delegated ? "me/events" : `users/${ADELE.id}/events`, expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        })), { "content-type": "application/json" });
        target = made.json.id as string;
      }
      if (op === "patch") await graphWrite(send, token, "PATCH", `/v1.0/subscriptions/${target}`, patch.body, patch.headers);
      else if (op === "get") await graphWrite(send, token, "GET", `/v1.0/subscriptions/${target}`, undefined, {});
      else if (op === "reauthorize") await graphWrite(send, token, "POST", `/v1.0/subscriptions/${target}/reauthorize`, undefined, {});
      if (id === "own" || op === "delete") await graphWrite(send, token, "DELETE", `/v1.0/subscriptions/${target}`, undefined, {});
    });
  });
});
