import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { encodeEvent } from "./event-codec.ts";
import { parseEventInput } from "./event-input.ts";
import { EVENT_ROWS_FORMAT, eventStoreCodec } from "./event-rows.ts";
import { createEvent } from "./events-model.ts";
import { encodeRows, notePut, partitionOf, type RowsFile } from "../../store/changes.ts";
import { partitionPath } from "../../store/state-layout.ts";
import { StoreUnreadableError } from "../../store/lazy-partitions.ts";
import { openStore } from "../../store/store.ts";
import type { CalendarEvent, EmulatorState } from "../../store/types.ts";
import { emptyTenant } from "../../tenants/seed.ts";
import { mailboxCalendar } from "../../tenants/synthetic-calendar.ts";
import { seededRandom } from "../../util/seeded-random.ts";

/**
 * Event partition files in rows (usual fields by position, repeated values in
 * a table, the rest as an object): every event reads back exactly as it was
 * written, the files are much smaller than one object per event, shared
 * parts are frozen, files in the earlier layout still load, and a damaged or
 * unknown layout is refused with its path.
 */
const T = "11111111-2222-4333-8444-555555555555";
const owner = { id: "75f47e6a-4e09-4898-ae71-eba4b43d71ba", displayName: "Owner", address: "owner@example.com" };
const tenant = () => emptyTenant({ id: T, displayName: "Rows", defaultDomain: "rows.test", domains: [] });
const make = (body: Record<string, unknown>, nowMs = Date.UTC(2026, 0, 1)): CalendarEvent => createEvent(tenant(), owner, "cal", parseEventInput(body, true), nowMs);
const plain = (day: number, subject = "Plain") =>
  make({ subject, start: { dateTime: `2026-05-${String(day).padStart(2, "0")}T09:00:00`, timeZone: "UTC" }, end: { dateTime: `2026-05-${String(day).padStart(2, "0")}T10:00:00`, timeZone: "UTC" } });

/** Through the row layout as the store does it: encode, JSON text, parse, decode. */
function throughRows(events: object[]): Record<string, unknown>[] {
  const codec = eventStoreCodec();
  const text = JSON.stringify(encodeRows(codec.rows!, events as Record<string, unknown>[]));
  return codec.rows!.decode(JSON.parse(text) as RowsFile);
}
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("event rows", () => {
  it("read back every event exactly, from plain ones to series, meetings, unknown fields and misfits", () => {
    const rich = make({
      subject: "Rich",
      body: { contentType: "text", content: "Agenda" },
      start: { dateTime: "2026-05-01T09:00:00", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2026-05-01T10:00:00", timeZone: "Pacific Standard Time" },
      location: { displayName: "Room 1" },
      attendees: [{ emailAddress: { address: "a@example.com" }, type: "required" }],
      categories: ["Blue"],
      isOnlineMeeting: true,
      recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: "2026-05-01", numberOfOccurrences: 3 } },
    });
    const zoned = { ...plain(2), originalStartTimeZone: "W. Europe Standard Time" };
    const future = { ...plain(3), fieldOfALaterVersion: { kept: true } };
    const misfit = { ...plain(4), start: { dateTime: "2026-05-04T09:00:00", timeZone: "UTC", extra: 1 } };
    const { events: series } = mailboxCalendar(owner, { events: 40, series: 4 }, seededRandom(7));
    const all = [plain(1), rich, zoned, future, misfit, ...series];
    expect(json(throughRows(all))).toEqual(json(all));
    const encoded = encodeRows(eventStoreCodec().rows!, all as never);
    expect(encoded.format).toBe(EVENT_ROWS_FORMAT);
    expect((encoded.rows[4] as unknown[]).length).toBe(1); // the misfit, kept whole
  });

  it("read back any event the model can make (property)", () => {
    const zone = fc.constantFrom("UTC", "Pacific Standard Time", "Tokyo Standard Time", "W. Europe Standard Time");
    const input = fc.record({
      subject: fc.string({ maxLength: 20 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 22 }),
      zone,
      importance: fc.constantFrom("low", "normal", "high"),
      showAs: fc.constantFrom("free", "busy", "tentative"),
      isAllDay: fc.boolean(),
      categories: fc.array(fc.constantFrom("Red", "Blue"), { maxLength: 2 }),
      reminder: fc.integer({ min: 0, max: 60 }),
      attendees: fc.array(fc.emailAddress(), { maxLength: 3 }),
      repeat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 8 }), (inputs) => {
        const events = inputs.map((i) => {
          const d = `2026-06-${String(i.day).padStart(2, "0")}`;
          const h = String(i.hour).padStart(2, "0");
          return make({
            subject: i.subject,
            importance: i.importance,
            showAs: i.showAs,
            categories: i.categories,
            reminderMinutesBeforeStart: i.reminder,
            ...(i.isAllDay
              ? { isAllDay: true, start: { dateTime: `${d}T00:00:00`, timeZone: i.zone }, end: { dateTime: `2026-06-${String(i.day + 1).padStart(2, "0")}T00:00:00`, timeZone: i.zone } }
              : { start: { dateTime: `${d}T${h}:00:00`, timeZone: i.zone }, end: { dateTime: `${d}T${h}:30:00`, timeZone: i.zone } }),
            attendees: i.attendees.map((address) => ({ emailAddress: { address }, type: "required" })),
            ...(i.repeat ? { recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", startDate: d, numberOfOccurrences: i.repeat } } } : {}),
          });
        });
        expect(json(throughRows(events))).toEqual(json(events));
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });

  it("are less than half the size of one object per event, and share frozen organizers and usual values", () => {
    const { events } = mailboxCalendar(owner, { events: 2000, series: 100 }, seededRandom(11));
    const rows = JSON.stringify(encodeRows(eventStoreCodec().rows!, events as never)).length;
    const records = JSON.stringify({ lsn: 0, records: events.map((e) => encodeEvent(e as never)) }).length;
    expect(rows).toBeLessThan(records * 0.5);
    const [a, b] = throughRows([plain(1, "A"), plain(2, "B")]) as unknown as [CalendarEvent, CalendarEvent];
    expect(a.organizer).toBe(b.organizer);
    expect(a.body).toBe(b.body);
    expect(Object.isFrozen(a.organizer)).toBe(true);
    expect(() => (a.categories as string[]).push("x")).toThrow(TypeError);
    // Each event has start and end objects of its own (the model may replace them, never shares them).
    expect(a.start).not.toBe(b.start);
  });
});

describe("event partition files on disk", () => {
  const seed = (): EmulatorState => ({ version: 1, tenants: [tenant()] });

  async function folderWithEvents(): Promise<{ dir: string; file: string; events: CalendarEvent[] }> {
    const dir = mkdtempSync(join(tmpdir(), "graph-emulator-rows-"));
    dirs.push(dir);
    const events = [plain(1, "First"), plain(2, "Second"), plain(3, "Third")];
    const store = await openStore({ dir: join(dir, "state"), seed, codecs: { events: eventStoreCodec() } });
    store.write(T, (t) => {
      for (const e of events) {
        t.events.push(e);
        notePut(t, "events", e);
      }
    });
    await store.close();
    const file = readdirPartition(dir);
    return { dir, file, events };
  }
  const readdirPartition = (dir: string) => partitionPath(join(dir, "state"), T, partitionOf("events", { ownerId: owner.id }));

  const reopen = (dir: string) => openStore({ dir: join(dir, "state"), seed, codecs: { events: eventStoreCodec() } });
  /** Reopens and reads every event (a folder opens with them on disk, read on first use). */
  const reopenAndRead = async (dir: string) => {
    const store = await reopen(dir);
    store.loadAll(T);
    return store;
  };

  it("are written in rows and read back", async () => {
    const { dir, events } = await folderWithEvents();
    const store = await reopenAndRead(dir);
    expect(json(store.read(T, (t) => t.events))).toEqual(json(events));
    await store.close();
  });

  it("in the earlier layout (one object per event) still load", async () => {
    const { dir, file, events } = await folderWithEvents();
    const body = JSON.parse(readFileSync(file, "utf8")) as { lsn: number };
    writeFileSync(file, JSON.stringify({ lsn: body.lsn, records: events.map((e) => encodeEvent(e as never)) }));
    const store = await reopenAndRead(dir);
    expect(json(store.read(T, (t) => t.events))).toEqual(json(events));
    await store.close();
  });

  it("in the layout before this one (event-rows-1: the iCalUId whole, one field fewer) still load", async () => {
    const { dir, file, events } = await folderWithEvents();
    const body = JSON.parse(readFileSync(file, "utf8")) as RowsFile & { lsn: number };
    const table = body.tables.values as string[];
    const rows = body.rows.map((row) => {
      const r = row as unknown[];
      return r.length === 1 ? r : [...r.slice(0, 9), `${table[r[9] as number]}${r[10] as string}`, ...r.slice(11)];
    });
    writeFileSync(file, JSON.stringify({ ...body, format: "event-rows-1", rows }));
    const store = await reopenAndRead(dir);
    expect(json(store.read(T, (t) => t.events))).toEqual(json(events));
    await store.close();
  });

  it("hold each iCalUId's head (all but its last 32 characters) once, in the table", async () => {
    const { file, events } = await folderWithEvents();
    const body = JSON.parse(readFileSync(file, "utf8")) as RowsFile;
    const heads = new Set(events.map((e) => e.iCalUId.slice(0, -32)));
    const table = body.tables.values as unknown[];
    for (const head of heads) expect(table.filter((v) => v === head)).toHaveLength(1);
    expect(body.rows.map((r) => (r as unknown[])[10])).toEqual(events.map((e) => e.iCalUId.slice(-32)));
  });

  it("in a layout this version does not know, or with a damaged row, are refused with their path when read", async () => {
    const { dir, file } = await folderWithEvents();
    const body = JSON.parse(readFileSync(file, "utf8")) as RowsFile & { lsn: number };
    writeFileSync(file, JSON.stringify({ ...body, format: "event-rows-99" }));
    let failure = await reopenAndRead(dir).catch((e: unknown) => e);
    // Read on first use: the request that needs it fails (a 503 over HTTP), naming the file.
    expect(failure).toBeInstanceOf(StoreUnreadableError);
    expect((failure as Error).message).toBe(
      `The emulator could not read its state folder: ${file} is in the layout 'event-rows-99', which this version of the emulator cannot read. Use the version that wrote it, or move the state folder away to start again from the fixtures.`,
    );
    (body.rows[1] as unknown[])[2] = 1e6;
    writeFileSync(file, JSON.stringify(body));
    failure = await reopenAndRead(dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnreadableError);
    expect((failure as Error).message).toContain(`${file} cannot be read: row 1 field 2 is not an index into the table of`);
    (body.rows[1] as unknown[])[2] = 0;
    (body.rows[1] as unknown[])[10] = 7;
    writeFileSync(file, JSON.stringify(body));
    failure = await reopenAndRead(dir).catch((e: unknown) => e);
    expect((failure as Error).message).toContain(`${file} cannot be read: row 1 fields 9 and 10 are not an iCalUId's head and tail.`);
  });
});
