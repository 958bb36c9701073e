import { stat } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { StoreFileError } from "./durable-json-file.ts";
import { readText } from "./json-text.ts";
import { nodeStoreFs, type StoreFile, type StoreFs } from "./store-fs.ts";

/**
 * The write-ahead log: one JSON line per committed batch of changes,
 * appended and fdatasync'd before the batch is acknowledged. Hand-written
 * because lowdb (and steno under it) only rewrites whole files, which is what
 * a write-ahead log exists to avoid.
 *
 * Each line carries a CRC-32 of the rest of the line as its first field:
 * `{"c":"1a2b3c4d","lsn":5,"entries":[...]}` (still one JSON object, so an
 * earlier version, or jq, reads it as before). Lines of earlier versions have
 * no checksum and are read as they are.
 *
 * The log is opened the way a database opens its own: a last record that is
 * torn (no final newline: a crash or a full disk during its append, so it was
 * never acknowledged) or damaged (complete, but its checksum or JSON is wrong)
 * is cut off and reported with its size; a bad record anywhere else stops the
 * start with the file, the line and what to do. A failed append is cut back
 * at once, so the next append never lands on partial bytes.
 */

/** One change as logged: put a record, remove a key, replace a collection, or set the tenant's own fields. */
export type WalEntry =
  | ["p", tenantId: string, partition: string, record: Record<string, unknown>]
  | ["r", tenantId: string, partition: string, key: string | number]
  | ["c", tenantId: string, collection: string, records: Record<string, unknown>[]]
  | ["m", tenantId: string, meta: Record<string, unknown>];

export interface WalBatch {
  lsn: number;
  entries: WalEntry[];
}

const hex = (n: number) => n.toString(16).padStart(8, "0");
/** `{"c":"xxxxxxxx",` — the checksum field, always 16 characters. */
const CRC_HEAD = 16;

/** One batch as a log line: the checksum covers the JSON of the batch (the line with its checksum field taken out). */
export function walLine(batch: WalBatch): string {
  const body = JSON.stringify(batch);
  return `{"c":"${hex(crc32(body))}",${body.slice(1)}\n`;
}

export class WriteAheadLog {
  readonly file: string;
  readonly #fs: StoreFs;
  #handle: StoreFile | undefined;
  #size = 0;
  /** The file may hold bytes past `#size` (a failed append whose cut failed too): cut before the next append. */
  #tailUnsure = false;

  constructor(file: string, fs: StoreFs = nodeStoreFs) {
    this.file = file;
    this.#fs = fs;
  }

  get size(): number {
    return this.#size;
  }

  async open(): Promise<void> {
    this.#handle = await this.#fs.open(this.file, "a", 0o600);
    this.#size = (await this.#handle.stat()).size;
    this.#tailUnsure = false;
  }

  /** Cuts the log to `length` bytes (a torn or damaged last record found on start). */
  async cut(length: number): Promise<void> {
    const h = await this.#opened();
    await h.truncate(length);
    await h.datasync();
    this.#size = length;
  }

  /**
   * Appends batches as lines and waits until they are on disk. When the write
   * or the fdatasync fails, the log is cut back to its length before the
   * append (and, if even that fails, before the next one), then the error is thrown.
   */
  async append(batches: WalBatch[]): Promise<void> {
    const h = await this.#opened();
    if (this.#tailUnsure) await this.cut(this.#size);
    this.#tailUnsure = false;
    const text = batches.map(walLine).join("");
    try {
      await h.appendFile(text);
      await h.datasync();
    } catch (err) {
      this.#tailUnsure = true;
      await this.cut(this.#size).then(
        () => (this.#tailUnsure = false),
        () => {},
      );
      throw err;
    }
    this.#size += Buffer.byteLength(text);
  }

  /** Moves the current log aside (for a compaction) and starts an empty one; the log stays open even if the move fails. */
  async rotate(to: string): Promise<void> {
    await this.close();
    try {
      await this.#fs.rename(this.file, to);
    } finally {
      await this.open();
    }
  }

  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
  }

  /** The open handle; a log whose reopening failed (after a failed rotation) is opened again. */
  async #opened(): Promise<StoreFile> {
    if (!this.#handle) await this.open();
    return this.#handle as StoreFile;
  }
}

/** What opening a log found at its end when the last record was not whole. */
export interface WalTail {
  /** torn: the record has no final newline; damaged: it has, but its checksum or JSON is wrong. */
  kind: "torn" | "damaged";
  /** Bytes cut off (the bad record and anything after it). */
  bytes: number;
  /** Length of the good part of the file, in bytes. */
  goodBytes: number;
  line: number;
  reason: string;
}

export interface WalContents {
  batches: WalBatch[];
  /** Set when the last record was torn or damaged (it is not among `batches`). */
  tail?: WalTail | undefined;
}

/** Reads every complete batch of a log file; a missing file has none. */
export async function readWal(file: string): Promise<WalContents> {
  let text: string;
  try {
    // One blocking read: logs are read while the state loads, before anything is served.
    text = readText(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { batches: [] };
    throw new StoreFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const batches: WalBatch[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    line++;
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    const next = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(start, end);
    if (raw !== "") {
      const bad = nl === -1 ? "it has no final newline" : checkLine(raw, batches);
      if (bad !== undefined) {
        const rest = text.slice(next);
        if (/^\n*$/.test(rest)) {
          const goodBytes = Buffer.byteLength(text.slice(0, start));
          const bytes = Buffer.byteLength(text) - goodBytes;
          return { batches, tail: { kind: nl === -1 ? "torn" : "damaged", bytes, goodBytes, line, reason: bad } };
        }
        throw new StoreFileError(
          `${file} line ${line} is not a valid log entry (${bad}). Repair or remove that line, or move the state folder away to start again from the fixtures; the lines after it hold acknowledged writes.`,
        );
      }
    }
    start = next;
  }
  return { batches };
}

/** Parses one line onto `into`; returns why it is bad, or undefined. */
function checkLine(raw: string, into: WalBatch[]): string | undefined {
  let body = raw;
  if (raw.startsWith('{"c":"')) {
    if (raw.length < CRC_HEAD + 1 || raw[14] !== '"' || raw[15] !== ",") return "its checksum field is malformed";
    body = `{${raw.slice(CRC_HEAD)}`;
    if (hex(crc32(body)) !== raw.slice(6, 14)) return "its checksum does not match its content";
  }
  try {
    const batch = JSON.parse(body) as WalBatch;
    if (typeof batch.lsn !== "number" || !Array.isArray(batch.entries)) return "not a batch";
    into.push(batch);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
