import { describe, expect, it } from "vitest";
import { RequestJournal, type JournalEntry } from "./journal.ts";

const entry = (n: number): Omit<JournalEntry, "id" | "time"> & { timeMs: number } => ({
  timeMs: n * 1000,
  method: "GET",
  url: `/v1.0/me?n=${n}`,
  area: "graph",
  tenant: null,
  clientId: null,
  userId: null,
  status: 200,
  errorCode: null,
  durationMs: 1,
  headers: {},
  faultId: null,
});

describe("RequestJournal", () => {
  it("keeps the newest entries up to its capacity, oldest first", () => {
    const j = new RequestJournal(3);
    for (let n = 1; n <= 5; n++) j.record(entry(n));
    expect(j.query().map((e) => e.id)).toEqual([3, 4, 5]);
    expect(j.query({ limit: 2 }).map((e) => e.url)).toEqual(["/v1.0/me?n=4", "/v1.0/me?n=5"]);
    j.clear();
    expect(j.query()).toEqual([]);
    j.record(entry(6));
    expect(j.query().map((e) => e.id)).toEqual([6]);
  });
});
