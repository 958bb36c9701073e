import { closeSync, openSync, readSync } from "node:fs";
import { collectionOfPartition, type Codecs, type CollectionName, type RecordCodec, type RowsFile } from "./changes.ts";
import { StoreFileError } from "./durable-json-file.ts";
import { readText } from "./json-text.ts";
import type { PartitionFile } from "./state-layout.ts";

/** Reading partition files: whole at start, one mailbox's records on first use, or just the lsn they start with. */

/** The records of a partition file, in either layout: `{ records }` (one object each) or `{ format, rows, tables }`. */
export function recordsOfFile(path: string, file: object, codec: RecordCodec | undefined, wanted?: (ownerId: unknown) => boolean): Record<string, unknown>[] {
  if ("rows" in file) {
    const rows = file as RowsFile;
    if (!codec?.rows || !(codec.rows.reads ?? [codec.rows.format]).includes(rows.format)) {
      throw new StoreFileError(`${path} is in the layout '${String(rows.format)}', which this version of the emulator cannot read. Use the version that wrote it, or move the state folder away to start again from the fixtures.`);
    }
    try {
      return codec.rows.decode(rows, wanted);
    } catch (err) {
      throw new StoreFileError(`${path} cannot be read: ${(err as Error).message}. Repair it, or move the state folder away to start again from the fixtures.`);
    }
  }
  const all = (file as PartitionFile).records;
  if (!Array.isArray(all)) throw new StoreFileError(`${path} holds no "records" list.`);
  const records = wanted ? all.filter((r) => wanted(r.ownerId)) : all;
  return codec ? records.map((r) => codec.decode(r)) : records;
}


/** The lsn a partition file starts with (`{"lsn":N,`, as the store writes them), read from its first bytes; undefined if it does not. */
export function lsnAtHead(path: string): number | undefined {
  const head = Buffer.alloc(40);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const n = readSync(fd, head, 0, head.length, 0);
    const m = /^\{"lsn":(\d{1,15}),/.exec(head.toString("latin1", 0, n));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One partition file read in one go (on a request's path: a mailbox's first use); decodes the records of the owners `wanted` accepts. */
export function readPartitionFile(path: string, codecs: Codecs, wanted?: (ownerId: unknown) => boolean): { lsn: number; records: Record<string, unknown>[] } | null {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new StoreFileError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  let file: (PartitionFile | (RowsFile & { lsn: number })) & { lsn: number };
  try {
    file = JSON.parse(text) as typeof file;
  } catch (err) {
    throw new StoreFileError(`${path} is not valid JSON (${(err as Error).message}). Repair it, or move the state folder away to start again from the fixtures.`);
  }
  const name = path.slice(path.lastIndexOf("/") + 1, -".json".length);
  const collection = collectionOfPartition(name) as CollectionName;
  const codec = codecs[collection];
  const records = recordsOfFile(path, file, codec, wanted);
  codec?.done?.();
  return { lsn: typeof file.lsn === "number" ? file.lsn : 0, records };
}
