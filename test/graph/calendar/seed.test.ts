import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSeedArgs, writeSyntheticDataDir } from "../../../emulator/src/cli/seed.ts";
import { encodeEvent, eventCodec } from "../../../emulator/src/graph/calendar/event-codec.ts";
import { parseEventInput } from "../../../emulator/src/graph/calendar/event-input.ts";
import { createEvent } from "../../../emulator/src/graph/calendar/events-model.ts";
import { startEmulator, type RunningEmulator } from "../../../emulator/src/server.ts";
import type { CalendarEvent } from "../../../emulator/src/store/types.ts";
import { emptyTenant } from "../../../emulator/src/tenants/seed.ts";
import { graphHttp } from "./support.ts";

/**
 * `npm run seed -- --events N --data-dir DIR`: users and calendars written as
 * a ready state folder, the same for the same seed, that the emulator starts
 * on; and the event codec that keeps such folders small.
 */
const root = mkdtempSync(join(tmpdir(), "graph-emulator-calendar-seed-"));
let emu: RunningEmulator | undefined;
afterAll(async () => {
  await emu?.close();
  rmSync(root, { recursive: true, force: true });
});

const folder = (dir: string) =>
  readdirSync(join(dir, "state"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length))
    .sort();

describe("seed arguments for calendars", () => {
  it("reads --events and --data-dir and refuses events without a state folder", () => {
    expect(parseSeedArgs(["--events", "500", "--data-dir", join(root, "x")])).toMatchObject({ events: 500, dataDir: join(root, "x") });
    expect(() => parseSeedArgs(["--events", "500"])).toThrow("--events needs --data-dir");
    expect(() => parseSeedArgs(["--events", "many", "--data-dir", "d"])).toThrow("--events must be a whole number, not 'many'");
    expect(() => parseSeedArgs(["--data-dir", "d", "--out", "f.json"])).toThrow("Give either --out (a fixture file) or --data-dir (a state folder), not both");
  });
});

describe("a generated state folder", () => {
  it("is the same for the same seed, and the emulator serves its users and calendars", async () => {
    const args = (dir: string) => ({ ...parseSeedArgs(["--users", "60", "--events", "1500", "--quiet", "--data-dir", dir]), dataDir: dir });
    const a = join(root, "a");
    const b = join(root, "b");
    const info = await writeSyntheticDataDir(args(a));
    await writeSyntheticDataDir(args(b));
    expect(folder(a)).toEqual(folder(b));
    for (const f of folder(a)) expect(readFileSync(join(b, f), "utf8"), f).toBe(readFileSync(join(a, f), "utf8"));
    // With fewer events than the big mailbox's share, user 1's mailbox takes them all.
    expect(info).toMatchObject({ users: 60, events: 1500, mailbox: { events: 1500, series: 500 } });
    expect(JSON.parse(readFileSync(join(a, "synthetic.json"), "utf8"))).toEqual(info);
    await expect(writeSyntheticDataDir(args(a))).rejects.toThrow("already exists");

    for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string, f), join(a, f));
    emu = await startEmulator({ port: 0, dataDir: a, quiet: true });
    const token = await fetchToken(emu, info.tenantId, info.app, info.mailbox);
    const http = graphHttp(emu, token);
    const view = await http("GET", "/me/calendarView?startDateTime=2026-06-01T00:00:00Z&endDateTime=2026-07-01T00:00:00Z&$top=999&$select=subject,type");
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.value.length).toBeGreaterThan(10);
    expect((view.body.value as { type: string }[]).some((e) => e.type === "occurrence")).toBe(true);
    const created = await http("POST", "/me/events", { subject: "New", start: { dateTime: "2026-06-03T10:00:00", timeZone: "UTC" }, end: { dateTime: "2026-06-03T10:30:00", timeZone: "UTC" } });
    expect(created.status).toBe(201);
  }, 120_000);
});

async function fetchToken(e: RunningEmulator, tenantId: string, app: { appId: string; clientSecret: string }, user: { userPrincipalName: string; password: string }): Promise<string> {
  const res = await fetch(`${e.baseUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: app.appId, client_secret: app.clientSecret, username: user.userPrincipalName, password: user.password, scope: "Calendars.ReadWrite" }),
  });
  const body = (await res.json()) as { access_token?: string };
  expect(body.access_token, JSON.stringify(body)).toBeTypeOf("string");
  return body.access_token as string;
}

describe("the event codec", () => {
  const owner = { id: "75f47e6a-4e09-4898-ae71-eba4b43d71ba", displayName: "Owner", address: "owner@example.com" };
  const make = (body: Record<string, unknown>): CalendarEvent => {
    const t = emptyTenant({ id: "00000000-0000-4000-8000-000000000001", displayName: "t", defaultDomain: "t.test", domains: [] });
    return createEvent(t, owner, "cal", parseEventInput(body, true), Date.UTC(2026, 0, 1));
  };

  it("writes only what differs from the usual values and reads back the same event", () => {
    const plain = make({ subject: "Plain", start: { dateTime: "2026-05-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-05-01T10:00:00", timeZone: "UTC" } });
    const rich = make({
      subject: "Rich",
      body: { contentType: "text", content: "Agenda" },
      start: { dateTime: "2026-05-01T09:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2026-05-01T10:00:00", timeZone: "Pacific Standard Time" },
      location: { displayName: "Room 1" },
      attendees: [{ emailAddress: { address: "a@example.com" }, type: "required" }],
      categories: ["Blue"],
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-05-01", numberOfOccurrences: 3 } },
    });
    const codec = eventCodec();
    for (const e of [plain, rich]) {
      const encoded = encodeEvent(e as unknown as Record<string, unknown>);
      const decoded = codec.decode(JSON.parse(JSON.stringify(encoded)) as Record<string, unknown>);
      expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(e)));
    }
    const small = encodeEvent(plain as unknown as Record<string, unknown>);
    expect(Object.keys(small)).not.toContain("body");
    expect(Object.keys(small)).not.toContain("isAllDay");
    expect(JSON.stringify(small).length).toBeLessThan(JSON.stringify(plain).length * 0.6);
  });

  it("shares the usual parts between events it reads, frozen so that nothing changes them in place", () => {
    const codec = eventCodec();
    const a = codec.decode(encodeEvent(make({ subject: "A", start: { dateTime: "2026-05-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-05-01T10:00:00", timeZone: "UTC" } }) as never));
    const b = codec.decode(encodeEvent(make({ subject: "B", start: { dateTime: "2026-05-02T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-05-02T10:00:00", timeZone: "UTC" } }) as never));
    expect(a.body).toBe(b.body);
    expect(a.organizer).toBe(b.organizer);
    expect(Object.isFrozen(a.location)).toBe(true);
    expect(() => (a.deletedOccurrences as number[]).push(1)).toThrow(TypeError);
  });
});
