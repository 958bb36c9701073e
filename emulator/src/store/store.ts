import { Low, Memory } from "lowdb";
import { DurableJsonFile } from "./durable-json-file.ts";
import type { EmulatorState, TenantState, TenantSummary } from "./types.ts";
import { StoreFileError } from "./durable-json-file.ts";

export { StoreFileError } from "./durable-json-file.ts";

/** Deeply read-only view, so that reads cannot change state behind the store's back. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * The one way into emulator state. Every read goes through `read`, every change
 * through `write`, both scoped to one tenant; handlers never touch lowdb.
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
  /** Waits until every change so far is on disk. */
  flush(): Promise<void>;
}

export interface StoreOptions {
  /** JSON file to persist to; omit for a memory-only store. */
  file?: string;
  /** Builds the initial state (from fixtures) on first start and on reset. */
  seed: () => EmulatorState;
  /** Upgrades a tenant read from disk to the current shape. */
  normalize?: (tenant: TenantState) => TenantState;
}

/** Opens the lowdb-backed store, seeding it when the file is new or empty. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const adapter = options.file ? new DurableJsonFile<EmulatorState>(options.file) : new Memory<EmulatorState>();
  const db = new Low<EmulatorState>(adapter, { version: 1, tenants: [] });
  await db.read();
  if (db.data && (typeof db.data !== "object" || !Array.isArray(db.data.tenants))) {
    throw new StoreFileError(`${options.file ?? "state"} does not hold emulator state (no "tenants" list). Move it away to start again from the fixtures.`);
  }
  if (!db.data || db.data.tenants.length === 0) {
    db.data = options.seed();
    await db.write();
  } else if (options.normalize) {
    db.data.tenants = db.data.tenants.map(options.normalize);
  }
  return new LowStore(db, options.seed);
}

class LowStore implements Store {
  #byId = new Map<string, TenantState>();
  #byName = new Map<string, string>();
  #pending: Promise<void> = Promise.resolve();
  #dirty = false;
  #db: Low<EmulatorState>;
  #seed: () => EmulatorState;

  constructor(db: Low<EmulatorState>, seed: () => EmulatorState) {
    this.#db = db;
    this.#seed = seed;
    this.#reindex();
  }

  listTenants(): TenantSummary[] {
    return this.#db.data.tenants.map((t) => ({ id: t.id, defaultDomain: t.defaultDomain, displayName: t.displayName }));
  }

  resolveTenant(idOrDomain: string): string | undefined {
    return this.#byName.get(idOrDomain.toLowerCase());
  }

  read<T>(tenantId: string, fn: (tenant: DeepReadonly<TenantState>) => T): T {
    return fn(this.#get(tenantId) as DeepReadonly<TenantState>);
  }

  write<T>(tenantId: string, fn: (tenant: TenantState) => T): T {
    const result = fn(this.#get(tenantId));
    this.#schedule();
    return result;
  }

  readAll<T>(fn: (tenants: readonly DeepReadonly<TenantState>[]) => T): T {
    return fn(this.#db.data.tenants as DeepReadonly<TenantState>[]);
  }

  addTenant(tenant: TenantState): void {
    if (this.#byId.has(tenant.id.toLowerCase())) throw new Error(`Tenant ${tenant.id} already exists`);
    this.#db.data.tenants.push(tenant);
    this.#reindex();
    this.#schedule();
  }

  removeTenant(tenantId: string): boolean {
    const before = this.#db.data.tenants.length;
    this.#db.data.tenants = this.#db.data.tenants.filter((t) => t.id !== tenantId);
    this.#reindex();
    this.#schedule();
    return this.#db.data.tenants.length !== before;
  }

  async reset(): Promise<void> {
    this.#db.data = this.#seed();
    this.#reindex();
    this.#schedule();
    await this.flush();
  }

  exportState(): EmulatorState {
    return structuredClone(this.#db.data);
  }

  async importState(state: EmulatorState): Promise<void> {
    this.#db.data = structuredClone(state);
    this.#reindex();
    this.#schedule();
    await this.flush();
  }

  async flush(): Promise<void> {
    await this.#pending;
  }

  #get(tenantId: string): TenantState {
    const tenant = this.#byId.get(tenantId.toLowerCase());
    if (!tenant) throw new Error(`Unknown tenant ${tenantId}`);
    return tenant;
  }

  #reindex(): void {
    this.#byId.clear();
    this.#byName.clear();
    for (const t of this.#db.data.tenants) {
      this.#byId.set(t.id.toLowerCase(), t);
      this.#byName.set(t.id.toLowerCase(), t.id);
      for (const d of t.domains) this.#byName.set(d.toLowerCase(), t.id);
    }
  }

  /** Coalesces bursts of changes into one write; a write failure is reported, never swallowed silently. */
  #schedule(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    this.#pending = this.#pending.then(async () => {
      await new Promise((r) => setImmediate(r));
      this.#dirty = false;
      try {
        await this.#db.write();
      } catch (err) {
        console.error(`graph-emulator: could not persist state: ${(err as Error).message}`);
      }
    });
  }
}
