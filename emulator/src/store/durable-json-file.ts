import { basename, dirname, join } from "node:path";
import type { Adapter } from "lowdb";
import { asciiJson, readText } from "./json-text.ts";
import { nodeStoreFs, type StoreFs } from "./store-fs.ts";

export class StoreFileError extends Error {}

/**
 * A lowdb adapter that writes JSON durably: to a temporary file created with
 * mode 0600, fsync'd, then renamed over the target, so a crash leaves either
 * the old or the new state and never a torn file. Hand-written because lowdb's
 * JSONFile (steno) neither fsyncs nor sets the file mode. A file that is not
 * valid JSON is reported with its path, never silently replaced.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #temp: string;
  readonly #fs: StoreFs;

  constructor(file: string, fs: StoreFs = nodeStoreFs) {
    this.#file = file;
    this.#fs = fs;
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      // Read in one blocking call: files are read while the state loads, before anything is served,
      // and a large file read this way takes a fraction of the time of chunked reads decoded piece
      // by piece (a million events: about a second and a half less).
      text = readText(this.#file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new StoreFileError(`Cannot read ${this.#file}: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new StoreFileError(
        `${this.#file} is not valid JSON (${(err as Error).message}). Repair it, or move it away to start again from the fixtures; the emulator does not reset it on its own.`,
      );
    }
  }

  async write(data: T): Promise<void> {
    await this.writeText(asciiJson(data));
  }

  /** Writes text already serialised (so a caller can take it at a chosen instant). */
  async writeText(text: string): Promise<void> {
    const handle = await this.#fs.open(this.#temp, "w", 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } catch (err) {
      // A full disk leaves a partial temporary file: take it away (the target is untouched).
      await handle.close().catch(() => {});
      await this.#fs.rm(this.#temp, { force: true }).catch(() => {});
      throw err;
    }
    await handle.close();
    await this.#fs.rename(this.#temp, this.#file);
  }
}
