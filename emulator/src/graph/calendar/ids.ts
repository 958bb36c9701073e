import { randomBytes } from "node:crypto";

/**
 * Outlook-looking ids. Every id is URL-safe base64 of: a fixed 5-byte header
 * (so ids start "AAMkAG", like Exchange's), the owner's object id, 16 random
 * bytes, and for an occurrence the original start (ms) of that occurrence.
 * Occurrence ids are thus derived from the series master and stay stable.
 */
const HEADER = [0x00, 0x03, 0x24, 0x00] as const;
const KIND = { calendar: 0x61, event: 0x62, occurrence: 0x63 } as const;
export type IdKind = keyof typeof KIND;

const BASE_LEN = 5 + 16 + 16;
const OCCURRENCE_LEN = BASE_LEN + 8;

function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  return /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, "hex") : Buffer.alloc(16);
}

function encode(bytes: Buffer): string {
  return bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** A new id; `random` (16 bytes) makes it reproducible, as generated data must be. */
export function newId(kind: "calendar" | "event", ownerId: string, random: Buffer = randomBytes(16)): string {
  return encode(Buffer.concat([Buffer.from([...HEADER, KIND[kind]]), guidBytes(ownerId), random]));
}

/** The id of one occurrence of a series: the master's id plus the occurrence's original start. */
export function occurrenceId(masterId: string, originalStartMs: number): string {
  const master = decodeId(masterId);
  if (!master || master.kind !== "event") throw new Error(`not a series master id: ${masterId}`);
  const bytes = Buffer.from(master.bytes);
  bytes[4] = KIND.occurrence;
  const when = Buffer.alloc(8);
  when.writeBigInt64BE(BigInt(Math.trunc(originalStartMs)));
  return encode(Buffer.concat([bytes, when]));
}

export interface DecodedId {
  kind: IdKind;
  bytes: Buffer;
  /** For an occurrence: the master's id and the original start. */
  masterId?: string;
  originalStartMs?: number;
}

/** Decodes an id; undefined when it is not one the emulator could have made (Outlook's ErrorInvalidIdMalformed). */
export function decodeId(id: string): DecodedId | undefined {
  if (typeof id !== "string" || id.length < 8 || id.length > 200 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(id)) return undefined;
  const bytes = Buffer.from(id.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== BASE_LEN && bytes.length !== OCCURRENCE_LEN) return undefined;
  if (HEADER.some((b, i) => bytes[i] !== b)) return undefined;
  const kindByte = bytes[4];
  const kind = (Object.keys(KIND) as IdKind[]).find((k) => KIND[k] === kindByte);
  if (!kind) return undefined;
  if ((kind === "occurrence") !== (bytes.length === OCCURRENCE_LEN)) return undefined;
  if (kind !== "occurrence") return { kind, bytes };
  const base = Buffer.from(bytes.subarray(0, BASE_LEN));
  base[4] = KIND.event;
  const originalStartMs = Number(bytes.readBigInt64BE(BASE_LEN));
  if (!Number.isSafeInteger(originalStartMs)) return undefined;
  return { kind, bytes: base, masterId: encode(base), originalStartMs };
}

/** A change key (and the etag built on it): new on every change. */
export function newChangeKey(random: Buffer = randomBytes(16)): string {
  return random.toString("base64");
}

const ICAL_PREFIX = "040000008200E00074C5B7101A82E008";

/**
 * An iCalendar UID in Outlook's Global Object ID form. Bytes 16-19 hold the
 * occurrence date (zero for the series), so occurrences get their own iCalUId.
 */
export function newICalUId(nowMs: number, random: Buffer = randomBytes(16)): string {
  const filetime = (BigInt(nowMs) + 11_644_473_600_000n) * 10_000n;
  const ft = Buffer.alloc(8);
  ft.writeBigUInt64LE(filetime);
  const uid = random.toString("hex").toUpperCase();
  return `${ICAL_PREFIX}00000000${ft.toString("hex").toUpperCase()}${"0".repeat(16)}10000000${uid}`;
}

/** The iCalUId of one occurrence: the series UID with the occurrence's date in bytes 16-19. */
export function occurrenceICalUId(seriesUid: string, year: number, month: number, day: number): string {
  if (!seriesUid.startsWith(ICAL_PREFIX) || seriesUid.length < ICAL_PREFIX.length + 8) return seriesUid;
  const date = Buffer.from([year >> 8, year & 0xff, month, day]).toString("hex").toUpperCase();
  return `${ICAL_PREFIX}${date}${seriesUid.slice(ICAL_PREFIX.length + 8)}`;
}
