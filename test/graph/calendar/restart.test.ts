import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/src/server.ts";
import { partitionOf } from "../../../emulator/src/store/changes.ts";
import { CONTOSO } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { graphHttp, USERS } from "./support.ts";

/**
 * Calendars on the file-backed store: meetings, series, exceptions, answers
 * and cancellations made before and after restarts are all there after the
 * next one. Events loaded from disk share their repeated parts (frozen), so
 * this also proves that every later change replaces those parts instead of
 * changing them in place.
 */
const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-calendar-restart-"));
for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
let emu: RunningEmulator | undefined;
afterAll(async () => {
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function restart(): Promise<RunningEmulator> {
  await emu?.close();
  emu = await startEmulator({ port: 0, dataDir, quiet: true });
  return emu;
}

describe("calendar state across restarts", () => {
  it("keeps meetings, exceptions, answers and cancellations", async () => {
    let e = await restart();
    const adeleToken = await userToken(e, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]);
    const meganToken = await userToken(e, CONTOSO.id, USERS.megan, ["Calendars.ReadWrite"]);
    const adele = () => graphHttp(e, adeleToken);
    const megan = () => graphHttp(e, meganToken);

    const single = await adele()("POST", "/me/events", { subject: "Single", start: { dateTime: "2027-03-01T10:00:00", timeZone: "UTC" }, end: { dateTime: "2027-03-01T11:00:00", timeZone: "UTC" } });
    expect(single.status, JSON.stringify(single.body)).toBe(201);
    const series = await adele()("POST", "/me/events", {
      subject: "Weekly sync",
      start: { dateTime: "2027-03-02T09:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2027-03-02T09:30:00", timeZone: "Pacific Standard Time" },
      attendees: [{ emailAddress: { address: USERS.megan.upn, name: "Megan" }, type: "required" }],
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["tuesday"] }, range: { type: "numbered", startDate: "2027-03-02", numberOfOccurrences: 6 } },
    });
    expect(series.status, JSON.stringify(series.body)).toBe(201);

    e = await restart();
    const edited = await adele()("PATCH", `/me/events/${single.body.id}`, { subject: "Single (moved)", body: { contentType: "text", content: "Agenda" }, location: { displayName: "Room 1" } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const instances = await adele()("GET", `/me/events/${series.body.id}/instances?startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-30T00:00:00Z`);
    expect(instances.status).toBe(200);
    const [first, second] = instances.body.value as { id: string }[];
    expect((await adele()("PATCH", `/me/events/${first!.id}`, { subject: "Weekly sync (first)" })).status).toBe(200);
    expect((await adele()("DELETE", `/me/events/${second!.id}`)).status).toBe(204);
    const meganView = await megan()("GET", "/me/events?$filter=subject eq 'Weekly sync'");
    const meganCopy = (meganView.body.value as { id: string }[])[0];
    expect(meganCopy, JSON.stringify(meganView.body)).toBeDefined();
    expect((await megan()("POST", `/me/events/${meganCopy!.id}/accept`, { sendResponse: true })).status).toBe(202);

    e = await restart();
    const kept = await adele()("GET", `/me/events/${single.body.id}`);
    expect(kept.body).toMatchObject({ subject: "Single (moved)", location: { displayName: "Room 1" } });
    const master = await adele()("GET", `/me/events/${series.body.id}`);
    expect(master.body.attendees[0].status.response).toBe("accepted");
    const after = await adele()("GET", `/me/events/${series.body.id}/instances?startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-30T00:00:00Z`);
    expect((after.body.value as { subject: string }[]).map((o) => o.subject)).toEqual(["Weekly sync (first)", "Weekly sync", "Weekly sync", "Weekly sync", "Weekly sync"]);
    expect((await adele()("POST", `/me/events/${series.body.id}/cancel`, { comment: "Done" })).status).toBe(202);

    e = await restart();
    expect((await adele()("GET", `/me/events/${series.body.id}`)).status).toBe(404);
    const cancelled = await megan()("GET", `/me/events/${meganCopy!.id}`);
    expect(cancelled.body.isCancelled).toBe(true);
  }, 60_000);

  it("reads a mailbox from disk on its first use: a write to it is durable and visible with its earlier events, and a meeting reaches it", async () => {
    let e = await restart();
    const token = async (who: (typeof USERS)[keyof typeof USERS]) => graphHttp(e, await userToken(e, CONTOSO.id, who, ["Calendars.ReadWrite"]));
    // Subjects made here (the fixtures' series run through these days too).
    const mine = (body: { value: { subject: string }[] }) => body.value.map((v) => v.subject).filter((x) => ["Before", "After", "Meeting", "Diego's"].includes(x));
    const at = (day: number, subject: string) => ({ subject, start: { dateTime: `2027-05-0${day}T10:00:00`, timeZone: "UTC" }, end: { dateTime: `2027-05-0${day}T11:00:00`, timeZone: "UTC" } });
    expect((await (await token(USERS.alex))("POST", "/me/events", at(1, "Before"))).status).toBe(201);
    expect((await (await token(USERS.diego))("POST", "/me/events", at(1, "Diego's"))).status).toBe(201);

    e = await restart();
    // Nothing of the mailboxes is in memory after the restart.
    expect(e.store.read(CONTOSO.id, (t) => t.events.length)).toBe(0);
    const alex = await token(USERS.alex);
    const created = await alex("POST", "/me/events", at(2, "After"));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const listed = await alex("GET", "/me/calendarView?startDateTime=2027-05-01T00:00:00Z&endDateTime=2027-05-08T00:00:00Z");
    expect(mine(listed.body)).toEqual(["Before", "After"]);
    // A meeting organized from a mailbox read now reaches an attendee's mailbox not read yet.
    const meeting = await alex("POST", "/me/events", { ...at(3, "Meeting"), attendees: [{ emailAddress: { address: USERS.diego.upn, name: "Diego" }, type: "required" }] });
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(201);

    e = await restart();
    const diego = await token(USERS.diego);
    const diegos = await diego("GET", "/me/calendarView?startDateTime=2027-05-01T00:00:00Z&endDateTime=2027-05-08T00:00:00Z");
    expect(mine(diegos.body)).toEqual(["Diego's", "Meeting"]);
    const again = await (await token(USERS.alex))("GET", "/me/calendarView?startDateTime=2027-05-01T00:00:00Z&endDateTime=2027-05-08T00:00:00Z");
    expect(mine(again.body)).toEqual(["Before", "After", "Meeting"]);
    // Removing the attendee after another restart cancels the copy in a mailbox not read since.
    e = await restart();
    expect((await (await token(USERS.alex))("PATCH", `/me/events/${meeting.body.id}`, { attendees: [] })).status).toBe(200);
    const cancelled = await (await token(USERS.diego))("GET", "/me/calendarView?startDateTime=2027-05-03T00:00:00Z&endDateTime=2027-05-04T00:00:00Z");
    const copy = (cancelled.body.value as { subject: string; isCancelled: boolean }[]).filter((v) => v.subject.endsWith("Meeting"));
    expect(copy.map((v) => [v.subject, v.isCancelled])).toEqual([["Canceled: Meeting", true]]);
  }, 60_000);

  it("a damaged mailbox file fails only the requests that need it, with Graph's 503 naming the file; the emulator stays up", async () => {
    let e = await restart();
    const alexPartition = partitionOf("events", { ownerId: USERS.alex.id });
    const other = [USERS.megan, USERS.diego, USERS.adele].find((u) => partitionOf("events", { ownerId: u.id }) !== alexPartition);
    expect(other).toBeDefined();
    const alex = graphHttp(e, await userToken(e, CONTOSO.id, USERS.alex, ["Calendars.ReadWrite", "User.Read"]));
    expect((await alex("POST", "/me/events", { subject: "Kept", start: { dateTime: "2027-06-01T10:00:00", timeZone: "UTC" }, end: { dateTime: "2027-06-01T11:00:00", timeZone: "UTC" } })).status).toBe(201);
    await e.close();
    emu = undefined;
    // Cut the file in half: its first bytes (what the start reads) stay, its JSON does not.
    const manifest = JSON.parse(readFileSync(join(dataDir, "state", "manifest.json"), "utf8")) as { root?: string };
    const file = join(dataDir, "state", manifest.root ?? "tenants", CONTOSO.id, `${alexPartition}.json`);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));

    e = await restart();
    const alexAgain = graphHttp(e, await userToken(e, CONTOSO.id, USERS.alex, ["Calendars.ReadWrite", "User.Read"]));
    const refused = await alexAgain("GET", "/me/events");
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("serviceNotAvailable");
    expect(refused.body.error.message).toContain(`${alexPartition}.json`);
    expect((await alexAgain("GET", "/me")).status).toBe(200);
    const otherUser = graphHttp(e, await userToken(e, CONTOSO.id, other!, ["Calendars.ReadWrite"]));
    expect((await otherUser("GET", "/me/events")).status).toBe(200);
  }, 60_000);
});
