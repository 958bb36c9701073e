import { z } from "zod";

/** Where a request came in; "notifications": one the emulator sent to a change-notification receiver. */
export type Area = "identity" | "graph" | "control" | "other" | "notifications";

/** One recorded request. Never holds a token, secret, password or code. */
export interface JournalEntry {
  id: number;
  time: string;
  method: string;
  /** Path and query, with secret query values redacted. */
  url: string;
  area: Area;
  tenant: string | null;
  clientId: string | null;
  userId: string | null;
  status: number;
  /** Graph `error.code` or Entra `error` plus AADSTS code, when the answer was an error. */
  errorCode: string | null;
  durationMs: number;
  /** Request headers worth seeing; Authorization is always redacted. */
  headers: Record<string, string>;
  /** A fault rule that produced or delayed this answer. */
  faultId: string | null;
}

/**
 * The request headers an entry keeps, as fixed fields: filled on every request,
 * so it avoids building an object key by key; a plain record when read.
 * Values are already cut to length and the authorization already redacted.
 */
export class KeptHeaders {
  constructor(
    readonly userAgent: string | undefined,
    readonly contentType: string | undefined,
    readonly clientRequestId: string | undefined,
    readonly consistencyLevel: string | undefined,
    readonly prefer: string | undefined,
    readonly anchorMailbox: string | undefined,
    readonly authorization: string | undefined,
  ) {}

  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.userAgent !== undefined) out["user-agent"] = this.userAgent;
    if (this.contentType !== undefined) out["content-type"] = this.contentType;
    if (this.clientRequestId !== undefined) out["client-request-id"] = this.clientRequestId;
    if (this.consistencyLevel !== undefined) out.consistencylevel = this.consistencyLevel;
    if (this.prefer !== undefined) out.prefer = this.prefer;
    if (this.anchorMailbox !== undefined) out["x-anchormailbox"] = this.anchorMailbox;
    if (this.authorization !== undefined) out.authorization = this.authorization;
    return out;
  }
}

/** How an entry is kept: the time as a number, formatted only when read; headers as fixed fields. */
type StoredEntry = Omit<JournalEntry, "time" | "headers"> & { timeMs: number; headers: Record<string, string> | KeptHeaders };

/** What `record` takes: an entry without its id, time as a number. */
export type NewEntry = Omit<JournalEntry, "id" | "time" | "headers"> & { timeMs: number; headers: Record<string, string> | KeptHeaders };

export const journalQuery = z
  .object({
    area: z.enum(["identity", "graph", "control", "other", "notifications"]).optional(),
    method: z.string().optional(),
    path: z.string().optional(),
    status: z.coerce.number().int().optional(),
    tenant: z.string().optional(),
    clientId: z.string().optional(),
    userId: z.string().optional(),
    errorCode: z.string().optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type JournalQuery = z.output<typeof journalQuery>;

/** The request journal: a bounded ring of recent requests, newest last. */
export class RequestJournal {
  /** A ring buffer: recording is O(1) however full it is. */
  #ring: (StoredEntry | undefined)[];
  #start = 0;
  #size = 0;
  #next = 1;
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
    this.#ring = new Array<StoredEntry | undefined>(capacity);
  }

  /** Records one request; `timeMs` (epoch milliseconds) becomes the entry's ISO `time` when read. */
  record(entry: NewEntry): void {
    const full = this.#size === this.#capacity;
    const stored = entry as unknown as StoredEntry;
    stored.id = this.#next++;
    this.#ring[(this.#start + this.#size) % this.#capacity] = stored;
    if (full) this.#start = (this.#start + 1) % this.#capacity;
    else this.#size += 1;
  }

  /** Entries oldest first. */
  get #entries(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.#size; i++) {
      const { timeMs, headers, ...rest } = this.#ring[(this.#start + i) % this.#capacity] as StoredEntry;
      out.push({ ...rest, headers: headers instanceof KeptHeaders ? headers.toRecord() : headers, time: new Date(timeMs).toISOString() });
    }
    return out;
  }

  query(q: JournalQuery = {}): JournalEntry[] {
    const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();
    const result = this.#entries.filter(
      (e) =>
        (!q.area || e.area === q.area) &&
        (!q.method || e.method === q.method.toUpperCase()) &&
        (!q.path || lower(e.url).includes(lower(q.path))) &&
        (q.status === undefined || e.status === q.status) &&
        (!q.tenant || lower(e.tenant) === lower(q.tenant)) &&
        (!q.clientId || lower(e.clientId) === lower(q.clientId)) &&
        (!q.userId || lower(e.userId) === lower(q.userId)) &&
        (!q.errorCode || lower(e.errorCode).includes(lower(q.errorCode))) &&
        (!q.since || e.time >= new Date(q.since).toISOString()),
    );
    return q.limit ? result.slice(-q.limit) : result;
  }

  clear(): void {
    this.#ring = new Array<StoredEntry | undefined>(this.#capacity);
    this.#start = 0;
    this.#size = 0;
  }
}
