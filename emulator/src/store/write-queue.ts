/**
 * The store's one queue of disk work, and what happens when the disk refuses
 * some of it. Jobs run one after another, so the order on disk is the order
 * of the writes. When a job fails (ENOSPC, EIO, EROFS...), the queue "breaks":
 * every job still queued is dropped (its changes were made on top of the
 * failed one), writes are refused, and a roll-back is queued that reads the
 * tenants concerned back from disk (`Reload`, done by the store, which owns
 * memory), so memory never holds what the disk does not; then writes are
 * accepted again. `mark`/`flush(mark)` tell a caller whether anything failed
 * since its mark, so that no request is answered as a success for a change
 * that is not on disk.
 */

/** Tenants whose memory may hold changes the disk does not: some by id, or all. */
export type Suspects = readonly string[] | "all";

/** Reads the suspect tenants back from disk into memory. */
export type Reload = (only: ReadonlySet<string> | "all") => Promise<void>;

/** How the files stand, for the health endpoint. */
export interface FilesHealth {
  /** False from a failed write until the state is read back from disk (writes are refused meanwhile). */
  writable: boolean;
  /** The last failure, until a write succeeds after it. */
  failure?: { message: string; code: string | undefined; since: string } | undefined;
}

/** A write refused because the disk refused an earlier one and memory is being rolled back. */
export class StoreUnavailableError extends Error {
  readonly code: string | undefined;
  constructor(cause: Error) {
    super(`The emulator cannot save changes right now: writing its state folder failed (${cause.message}). Writes resume once the disk accepts them again.`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

export interface WriteQueueHooks {
  report: (message: string) => void;
  /** Drops the changes not yet logged; returns the tenants they belonged to. */
  dropPending: () => Iterable<string>;
  /** Waits for disk work that runs beside the queue (a compaction) before a roll-back reads the folder. */
  quiesce: () => Promise<void>;
}

export class WriteQueue {
  #queue: Promise<void> = Promise.resolve();
  /** Failed jobs so far (callers compare against a mark). */
  #failures = 0;
  /** Set from a failure until memory is read back from disk. */
  #broken: Error | undefined;
  #lastFailure: FilesHealth["failure"];
  readonly #suspects = new Set<string>();
  #suspectAll = false;
  #reload: Reload | undefined;
  #recoveryQueued = false;
  readonly #hooks: WriteQueueHooks;

  constructor(hooks: WriteQueueHooks) {
    this.#hooks = hooks;
  }

  get broken(): boolean {
    return this.#broken !== undefined;
  }

  /** How the store reads tenants back from disk after a failed write. */
  onFailure(reload: Reload): void {
    this.#reload = reload;
  }

  /** Throws while writes are refused; starts another roll-back if the last one failed. */
  assertWritable(): void {
    if (!this.#broken) return;
    this.#scheduleRecovery();
    throw new StoreUnavailableError(this.#broken);
  }

  health(): FilesHealth {
    return { writable: !this.#broken, failure: this.#lastFailure };
  }

  mark(): number {
    return this.#failures;
  }

  /** Resolves once every job queued so far has run; rejects if one failed since `since`, or writes are still refused. */
  async flush(since = this.#failures): Promise<void> {
    await this.#queue;
    if (this.#failures > since || this.#broken) throw this.#broken ?? new StoreUnavailableError(new Error(this.#lastFailure?.message ?? "an earlier write failed"));
  }

  /** The disk took a write: whatever failed before is over. */
  succeeded(): void {
    if (!this.#broken) this.#lastFailure = undefined;
  }

  /** A failure that loses nothing and breaks nothing (a compaction): shown by the health until a write succeeds. */
  noteFailure(err: Error): void {
    this.#lastFailure = { message: err.message, code: (err as NodeJS.ErrnoException).code, since: this.#lastFailure?.since ?? new Date().toISOString() };
  }

  /** Tenants whose changes a failed job took with it. */
  suspect(suspects: Suspects): void {
    if (suspects === "all") this.#suspectAll = true;
    else for (const id of suspects) this.#suspects.add(id);
  }

  /** Runs a job in the queue and hands back its outcome. */
  result<T>(job: () => Promise<T>, suspects: Suspects): Promise<T> {
    let out: T;
    return this.run(async () => void (out = await job()), suspects).then(() => out);
  }

  /**
   * Runs a job after every job queued before it. While writes are refused a
   * job is dropped (its tenants are read back from disk with the others); a
   * job that fails breaks the queue until they are. The promise tells the outcome.
   */
  run(job: () => Promise<void>, suspects: Suspects): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#broken) {
        this.suspect(suspects);
        this.suspect([...this.#hooks.dropPending()]);
        throw this.#broken;
      }
      try {
        await job();
      } catch (err) {
        this.#fail(err as Error, suspects);
        throw err;
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #fail(err: Error, suspects: Suspects): void {
    this.#failures++;
    this.suspect(suspects);
    this.suspect([...this.#hooks.dropPending()]);
    const first = !this.#broken;
    this.#broken ??= err;
    this.noteFailure(err);
    if (first) this.#hooks.report(`could not persist state: ${err.message}. The change was refused and is being rolled back; writes are refused until then.`);
    this.#scheduleRecovery();
  }

  /** Queues the roll-back: once every queued job has been dropped, the suspect tenants are read back from disk. */
  #scheduleRecovery(): void {
    if (this.#recoveryQueued || !this.#reload || !this.#broken) return;
    this.#recoveryQueued = true;
    const reload = this.#reload;
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#hooks.quiesce();
        this.suspect([...this.#hooks.dropPending()]);
        const only = this.#suspectAll ? "all" : new Set(this.#suspects);
        await reload(only);
        this.#suspects.clear();
        this.#suspectAll = false;
        this.#broken = undefined;
        this.#hooks.report(`state rolled back to what is on disk (${only === "all" ? "every tenant" : `${only.size} tenant(s)`}); writes are accepted again.`);
      } catch (err) {
        this.#hooks.report(`could not read the state folder back (${(err as Error).message}); writes stay refused and the next write tries again.`);
      } finally {
        this.#recoveryQueued = false;
      }
    });
  }
}
