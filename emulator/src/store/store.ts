import { rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { StoreAudit } from "./audit.ts";
import { beginChanges, endChanges, type Change, type Codecs } from "./changes.ts";
import { DurableJsonFile, StoreFileError } from "./durable-json-file.ts";
import { assertTenantId } from "./state-layout.ts";
import { loadAllPartitions, loadOwnersTouched, unloadedOf } from "./lazy-partitions.ts";
import { loadStateDir, type LoadProgress } from "./state-load.ts";
import { StateFiles, StoreUnavailableError, type FilesHealth } from "./state-files.ts";
import type { StoreFs } from "./store-fs.ts";
import type { DeepReadonly, EmulatorState, TenantState, TenantSummary } from "./types.ts";
import { exists } from "./wal.ts";

export { StoreFileError } from "./durable-json-file.ts";
export { StoreUnavailableError, type FilesHealth } from "./state-files.ts";

export type { DeepReadonly } from "./types.ts";

/**
 * Told after each write that changed records: the tenant, and what the write
 * noted (records as memory holds them). It runs inside the write, so it must
 * only note what it needs and return (anything slow goes to a later tick).
 */
export type CommitListener = (tenantId: string, changes: readonly Change[]) => void;

/**
 * The one way into emulator state. Every read goes through `read`, every change
 * through `write`, both scoped to one tenant; handlers never touch the files.
 * Code that changes records inside `write` notes them (changes.ts: notePut,
 * noteRemove, noteCollection, noteMeta) so that persisting costs what changed.
 */
export interface Store {
  listTenants(): TenantSummary[];
  /** Finds a tenant by its GUID or any of its domains, case-insensitively. */
  resolveTenant(idOrDomain: string): string | undefined;
  read<T>(tenantId: string, fn: (tenant: DeepReadonly<TenantState>) => T): T;
  write<T>(tenantId: string, fn: (tenant: TenantState) => T): T;
  /** Reads every tenant, e.g. to find a multi-tenant application's home. */
  readAll<T>(fn: (tenants: readonly DeepReadonly<TenantState>[]) => T): T;
  addTenant(tenant: TenantState): void;
  removeTenant(tenantId: string): boolean;
  /** Replaces all state with a fresh copy of the seed. */
  reset(): Promise<void>;
  /** A deep copy of the whole state, for snapshots. */
  exportState(): EmulatorState;
  /** Replaces the whole state (a snapshot); written through like any change. */
  importState(state: EmulatorState): Promise<void>;
  /** A mark to give `flush`: a write the disk refuses after it fails that flush. */
  mark(): number;
  /** Waits until every change so far is on disk; rejects if the disk refused a write since `since` (a `mark()`). */
  flush(since?: number): Promise<void>;
  /** Whether writes are accepted, and the last failure to write the state folder. */
  health(): FilesHealth;
  /** Flushes and folds the write-ahead log into the state files (on shutdown). */
  close(): Promise<void>;
  /** Calls `listener` after every write that noted changes (a change feed); returns what stops it. */
  onCommit(listener: CommitListener): () => void;
  /** Reads every record still on disk only (lazy-partitions.ts) into memory, of one tenant or all: before reading every event. */
  loadAll(tenantId?: string): void;
}

export interface StoreOptions {
  /** State folder to persist to; omit for a memory-only store. */
  dir?: string | undefined;
  /** Builds the initial state (from fixtures) on first start and on reset. */
  seed: () => EmulatorState;
  /** Upgrades a tenant read from disk to the current shape. */
  normalize?: (tenant: TenantState) => TenantState;
  /** Called while a state folder loads (files done, files in all). */
  onLoadProgress?: LoadProgress;
  /** How collections are written to disk and read back (default: as they are). */
  codecs?: Codecs;
  /** Fails every write that changes a record without noting it (for test runs). */
  audit?: boolean;
  /** Log size (bytes) past which it is folded into the state files; default 64 MiB. */
  compactAtBytes?: number;
  /** The file operations writes go through (tests pass one that fails on demand); default node:fs. */
  fs?: StoreFs;
  /** Where repairs and write failures are reported; default stderr. */
  report?: (message: string) => void;
}

/**
 * Opens the store: from its state folder when it has one (a single
 * `state.json` of an earlier version beside it is moved in), else from the
 * seed.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (!options.dir) return new StateStore(options.seed(), options, undefined);
  let loaded = await loadStateDir(options.dir, options.onLoadProgress, options.codecs, { report: options.report, lazy: true });
  let state = loaded?.state;
  const legacy = join(dirname(options.dir), "state.json");
  if (!loaded && (await exists(legacy))) {
    state = await readLegacyState(legacy);
    loaded = null;
  }
  if (state && state.tenants.length === 0) state = undefined;
  if (state && options.normalize) state.tenants = state.tenants.map(options.normalize);
  const initial = state ?? options.seed();
  const files = await StateFiles.open(options.dir, initial, state && loaded ? loaded : null, {
    compactAt: options.compactAtBytes,
    codecs: options.codecs,
    fs: options.fs,
    report: options.report,
  });
  if (state && !loaded) await rename(legacy, `${legacy}.migrated`);
  return new StateStore(initial, options, files);
}

async function readLegacyState(file: string): Promise<EmulatorState> {
  const data = await new DurableJsonFile<EmulatorState>(file).read();
  if (!data || typeof data !== "object" || !Array.isArray(data.tenants)) {
    throw new StoreFileError(`${file} does not hold emulator state (no "tenants" list). Move it away to start again from the fixtures.`);
  }
  return data;
}

class StateStore implements Store {
  #state: EmulatorState;
  #byId = new Map<string, TenantState>();
  #byName = new Map<string, string>();
  readonly #seed: () => EmulatorState;
  readonly #files: StateFiles | undefined;
  readonly #audit: StoreAudit | undefined;
  readonly #listeners = new Set<CommitListener>();
  readonly #report: (message: string) => void;

  constructor(state: EmulatorState, options: StoreOptions, files: StateFiles | undefined) {
    this.#state = state;
    this.#seed = options.seed;
    this.#files = files;
    this.#audit = options.audit ? new StoreAudit() : undefined;
    this.#report = options.report ?? ((message) => console.error(`graph-emulator: ${message}`));
    this.#reindex();
    const dir = options.dir;
    if (files && dir) files.onFailure((only) => this.#reload(dir, options, only));
  }

  /**
   * After the disk refused a write: reads the tenants concerned back from the
   * folder, so memory holds exactly what the disk does (the refused changes go).
   */
  async #reload(dir: string, options: StoreOptions, only: ReadonlySet<string> | "all"): Promise<void> {
    const loaded = await loadStateDir(dir, undefined, options.codecs, { only: only === "all" ? undefined : only, report: options.report, lazy: true });
    if (!loaded) throw new StoreFileError(`${dir} no longer holds a state manifest`);
    const tenants = options.normalize ? loaded.state.tenants.map(options.normalize) : loaded.state.tenants;
    if (only === "all") this.#state = { version: 1, tenants };
    else {
      const byId = new Map(tenants.map((t) => [t.id, t]));
      this.#state.tenants = this.#state.tenants.map((t) => byId.get(t.id) ?? t);
    }
    this.#reindex();
    this.#files?.index(this.#state);
    this.#files?.adopt(loaded);
  }

  listTenants(): TenantSummary[] {
    return this.#state.tenants.map((t) => ({ id: t.id, defaultDomain: t.defaultDomain, displayName: t.displayName }));
  }

  resolveTenant(idOrDomain: string): string | undefined {
    return this.#byName.get(idOrDomain.toLowerCase());
  }

  read<T>(tenantId: string, fn: (tenant: DeepReadonly<TenantState>) => T): T {
    return fn(this.#get(tenantId) as DeepReadonly<TenantState>);
  }

  write<T>(tenantId: string, fn: (tenant: TenantState) => T): T {
    const tenant = this.#get(tenantId);
    this.#files?.assertWritable();
    const before = this.#audit?.before(tenant);
    const unloaded = unloadedOf(tenant);
    // Records read from disk during the write were there before it: the audit counts them so.
    if (unloaded && before) unloaded.onLoad = (collection, records) => this.#audit?.admit(before, collection, records);
    const set = beginChanges(tenant);
    let result: T;
    try {
      result = fn(tenant);
    } catch (err) {
      // A write that fails before changing anything (validation) has nothing to persist.
      if (set.changes.length > 0) this.#files?.record(tenant, set.changes);
      throw err;
    } finally {
      endChanges(tenant);
      loadOwnersTouched(tenant, set.changes);
      if (unloaded) unloaded.onLoad = undefined;
    }
    if (before !== undefined) this.#audit?.check(tenant, before, set.changes);
    if (set.changes.length > 0) {
      this.#files?.record(tenant, set.changes);
      if (this.#listeners.size > 0) this.#tell(tenant.id, set.changes);
    } else this.#files?.snapshotTenant(tenant);
    return result;
  }

  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** A listener that throws is reported, never failing the write it was told about. */
  #tell(tenantId: string, changes: readonly Change[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(tenantId, changes);
      } catch (err) {
        this.#report(`a change listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  readAll<T>(fn: (tenants: readonly DeepReadonly<TenantState>[]) => T): T {
    return fn(this.#state.tenants as DeepReadonly<TenantState>[]);
  }

  addTenant(tenant: TenantState): void {
    if (this.#byId.has(tenant.id.toLowerCase())) throw new Error(`Tenant ${tenant.id} already exists`);
    assertTenantId(tenant.id);
    this.#files?.assertWritable();
    this.#state.tenants.push(tenant);
    this.#index(tenant);
    this.#files?.snapshotTenant(tenant, true);
  }

  removeTenant(tenantId: string): boolean {
    const tenant = this.#byId.get(tenantId.toLowerCase());
    if (!tenant) return false;
    this.#files?.assertWritable();
    this.#state.tenants = this.#state.tenants.filter((t) => t !== tenant);
    this.#reindex();
    this.#files?.removeTenant(tenant.id);
    return true;
  }

  async reset(): Promise<void> {
    await this.importState(this.#seed());
  }

  exportState(): EmulatorState {
    this.loadAll();
    return structuredClone(this.#state);
  }

  loadAll(tenantId?: string): void {
    for (const t of tenantId === undefined ? this.#state.tenants : [this.#get(tenantId)]) loadAllPartitions(t);
  }

  async importState(state: EmulatorState): Promise<void> {
    for (const t of state.tenants) assertTenantId(t.id);
    this.#files?.assertWritable();
    const mark = this.mark();
    const copy = structuredClone(state);
    this.#state = copy;
    this.#reindex();
    this.#files?.replaceAll(this.#state);
    // A refusal is reported as the store's own error (answered 507/503), the disk's error as its cause.
    await this.flush(mark).catch((err: unknown) => {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err as Error);
    });
  }

  mark(): number {
    return this.#files?.mark() ?? 0;
  }

  async flush(since?: number): Promise<void> {
    await this.#files?.flush(since);
  }

  health(): FilesHealth {
    return this.#files?.health() ?? { writable: true };
  }

  async close(): Promise<void> {
    await this.#files?.close();
  }

  #get(tenantId: string): TenantState {
    const tenant = this.#byId.get(tenantId.toLowerCase());
    if (!tenant) throw new Error(`Unknown tenant ${tenantId}`);
    return tenant;
  }

  #reindex(): void {
    this.#byId.clear();
    this.#byName.clear();
    for (const t of this.#state.tenants) this.#index(t);
  }

  /** A tenant's entries in the lookups by id and by name (id or domain); a test suite's many tenants are added one by one. */
  #index(t: TenantState): void {
    this.#byId.set(t.id.toLowerCase(), t);
    this.#byName.set(t.id.toLowerCase(), t.id);
    for (const d of t.domains) this.#byName.set(d.toLowerCase(), t.id);
  }
}
