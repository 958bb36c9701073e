import { nodeStoreFs, type StoreFile, type StoreFs } from "../../emulator/src/store/store-fs.ts";

/** A file operation the store performs. */
export type FsOp = "open" | "append" | "write" | "datasync" | "sync" | "truncate" | "rename" | "mkdir" | "rm";

export interface FsFault {
  op: FsOp;
  /** errno code to fail with: ENOSPC, EIO, EROFS, EDQUOT... */
  code: string;
  /** Only paths matching this. */
  path?: RegExp;
  /** For append and write: put the first half of the data on disk before failing, as a full disk does. */
  partial?: boolean;
}

/**
 * The store's file operations with faults on demand: while a fault is set,
 * every matching operation fails with its errno code (as a disk that is full,
 * read-only or failing does, until it is not). The real files are written
 * otherwise, so the store's own append, fsync, cut-back and roll-back run.
 */
export class FaultyFs implements StoreFs {
  faults: FsFault[] = [];
  /** Operations failed so far. */
  failed = 0;

  set(...faults: FsFault[]): void {
    this.faults = faults;
  }

  clear(): void {
    this.faults = [];
  }

  #fault(op: FsOp, path: string): FsFault | undefined {
    return this.faults.find((f) => f.op === op && (!f.path || f.path.test(path)));
  }

  #error(f: FsFault, path: string): Error {
    this.failed++;
    return Object.assign(new Error(`${f.code}: injected fault, ${f.op} '${path}'`), { code: f.code, syscall: f.op, path });
  }

  async #check(op: FsOp, path: string): Promise<void> {
    const f = this.#fault(op, path);
    if (f) throw this.#error(f, path);
  }

  async open(path: string, flags: "a" | "w" | "r+", mode?: number): Promise<StoreFile> {
    await this.#check("open", path);
    const file = await nodeStoreFs.open(path, flags, mode);
    const data = async (op: "append" | "write", text: string, write: (t: string) => Promise<void>) => {
      const f = this.#fault(op, path);
      if (!f) return write(text);
      if (f.partial) await write(text.slice(0, Math.floor(text.length / 2)));
      throw this.#error(f, path);
    };
    return {
      appendFile: (text) => data("append", text, (t) => file.appendFile(t)),
      writeFile: (text) => data("write", text, (t) => file.writeFile(t)),
      datasync: async () => (await this.#check("datasync", path), file.datasync()),
      sync: async () => (await this.#check("sync", path), file.sync()),
      truncate: async (n) => (await this.#check("truncate", path), file.truncate(n)),
      stat: () => file.stat(),
      close: () => file.close(),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#check("rename", to);
    return nodeStoreFs.rename(from, to);
  }

  async mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown> {
    await this.#check("mkdir", path);
    return nodeStoreFs.mkdir(path, options);
  }

  async rm(path: string, options: { recursive?: boolean; force: true }): Promise<void> {
    await this.#check("rm", path);
    return nodeStoreFs.rm(path, options);
  }
}
