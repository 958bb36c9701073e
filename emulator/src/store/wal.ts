import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { StoreFileError } from "./durable-json-file.ts";
import { readText } from "./json-text.ts";

/**
 * The write-ahead log: one JSON line per committed batch of changes,
 * appended and fdatasync'd before the batch is acknowledged. Hand-written
 * because lowdb (and steno under it) only rewrites whole files, which is what
 * a write-ahead log exists to avoid. A torn last line (a crash mid-append) is
 * a batch that was never acknowledged and is ignored; a bad line anywhere else
 * is reported with the file and line, never skipped silently.
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

export class WriteAheadLog {
  readonly file: string;
  #handle: FileHandle | undefined;
  #size = 0;

  constructor(file: string) {
    this.file = file;
  }

  get size(): number {
    return this.#size;
  }

  async open(): Promise<void> {
    this.#handle = await open(this.file, "a", 0o600);
    this.#size = (await this.#handle.stat()).size;
  }

  /** Appends batches as lines and waits until they are on disk. */
  async append(batches: WalBatch[]): Promise<void> {
    if (!this.#handle) throw new Error("write-ahead log is not open");
    const text = batches.map((b) => `${JSON.stringify(b)}\n`).join("");
    await this.#handle.appendFile(text);
    await this.#handle.datasync();
    this.#size += Buffer.byteLength(text);
  }

  /** Moves the current log aside (for a compaction) and starts an empty one. */
  async rotate(to: string): Promise<void> {
    await this.close();
    await rename(this.file, to);
    await this.open();
  }

  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
  }
}

/** Reads every complete batch of a log file; a missing file has none. */
export async function readWal(file: string): Promise<WalBatch[]> {
  let text: string;
  try {
    // One blocking read: logs are read while the state loads, before anything is served.
    text = readText(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new StoreFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const lines = text.split("\n");
  const batches: WalBatch[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "") continue;
    let batch: WalBatch;
    try {
      batch = JSON.parse(line) as WalBatch;
      if (typeof batch.lsn !== "number" || !Array.isArray(batch.entries)) throw new Error("not a batch");
    } catch (err) {
      // The last line may be torn by a crash during its append: it was never acknowledged.
      if (lines.slice(i + 1).every((l) => l === "")) break;
      throw new StoreFileError(
        `${file} line ${i + 1} is not a valid log entry (${(err as Error).message}). Repair or remove that line, or move the state folder away to start again from the fixtures.`,
      );
    }
    batches.push(batch);
  }
  return batches;
}

export async function removeIfPresent(file: string): Promise<void> {
  await rm(file, { force: true });
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
