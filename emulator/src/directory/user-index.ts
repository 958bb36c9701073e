import type { DeepReadonly } from "../store/store.ts";
import type { TenantState, User } from "../store/types.ts";
import { firstIndexNotBefore } from "../util/sorted.ts";
import { UserViewCache } from "./user-views.ts";

type RUser = DeepReadonly<User>;

/** One row of a sorted property index: the lower-cased value and its user. */
export interface IndexEntry {
  key: string;
  user: RUser;
}

/** A half-open slice [start, end) of a sorted index. */
export interface IndexRange {
  entries: readonly IndexEntry[];
  start: number;
  end: number;
}

const compareEntries = (a: IndexEntry, b: IndexEntry): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0;

/** First position whose entry is not before (key, id) — or, with id undefined, whose key is >= key (> key when `after`). */
function lowerBound(entries: readonly IndexEntry[], key: string, after = false): number {
  return firstIndexNotBefore(entries.length, (i) => {
    const k = (entries[i] as IndexEntry).key;
    return k < key || (after && k === key);
  });
}

function positionOf(entries: readonly IndexEntry[], entry: IndexEntry): number {
  return firstIndexNotBefore(entries.length, (i) => compareEntries(entries[i] as IndexEntry, entry) < 0);
}

const keyOf = (user: RUser, property: string): string | undefined => {
  const value = user[property];
  return typeof value === "string" && value !== "" ? value.toLowerCase() : undefined;
};

/**
 * In-memory indexes over one tenant's users: maps by id and by UPN, sorted
 * per-property indexes (built on first use) for eq, in, startsWith, ge and le,
 * the manager → direct reports relation, and the users' ready JSON views.
 * The users model keeps it up to date on every change it makes; `userIndex`
 * rebuilds it when the users array was replaced or changed length behind the
 * model's back.
 */
export class UserIndex {
  readonly byId = new Map<string, RUser>();
  readonly byUpn = new Map<string, RUser>();
  /** Users the index has seen; compared with the array length as a cheap version check. */
  length = 0;
  /** Users' views as JSON text (Graph's projections), forgotten with every change to a user. */
  readonly views = new UserViewCache();
  readonly #sorted = new Map<string, IndexEntry[]>();
  #reports: Map<string, RUser[]> | null = null;

  constructor(users: readonly RUser[]) {
    for (const u of users) this.#add(u);
  }

  #add(u: RUser): void {
    this.byId.set(u.id.toLowerCase(), u);
    this.byUpn.set(u.userPrincipalName.toLowerCase(), u);
    this.length++;
  }

  /** The sorted index of a string property, built on first use. */
  sorted(property: string): readonly IndexEntry[] {
    let entries = this.#sorted.get(property);
    if (!entries) {
      entries = [];
      for (const user of this.byId.values()) {
        const key = keyOf(user, property);
        if (key !== undefined) entries.push({ key, user });
      }
      entries.sort(compareEntries);
      this.#sorted.set(property, entries);
    }
    return entries;
  }

  /** Users whose property equals `value`, case-insensitively. */
  equal(property: string, value: string): IndexRange {
    const entries = this.sorted(property);
    const key = value.toLowerCase();
    return { entries, start: lowerBound(entries, key), end: lowerBound(entries, key, true) };
  }

  /** Users whose property starts with `prefix`, case-insensitively. */
  prefix(property: string, prefix: string): IndexRange {
    const entries = this.sorted(property);
    const key = prefix.toLowerCase();
    const start = lowerBound(entries, key);
    // The matches are contiguous from `start`; find their end by binary search on the prefix.
    const end = firstIndexNotBefore(entries.length, (i) => (entries[i] as IndexEntry).key.startsWith(key), start);
    return { entries, start, end };
  }

  /** Users whose property lies between the bounds (each optional, inclusive unless said otherwise). */
  between(property: string, low: { value: string; inclusive: boolean } | null, high: { value: string; inclusive: boolean } | null): IndexRange {
    const entries = this.sorted(property);
    const start = low ? lowerBound(entries, low.value.toLowerCase(), !low.inclusive) : 0;
    const end = high ? lowerBound(entries, high.value.toLowerCase(), high.inclusive) : entries.length;
    return { entries, start, end: Math.max(start, end) };
  }

  /** Users whose managerId is `managerId`. */
  reportsOf(managerId: string): readonly RUser[] {
    if (!this.#reports) {
      this.#reports = new Map();
      for (const u of this.byId.values()) {
        if (typeof u.managerId !== "string") continue;
        const key = u.managerId.toLowerCase();
        const list = this.#reports.get(key);
        if (list) list.push(u);
        else this.#reports.set(key, [u]);
      }
    }
    return this.#reports.get(managerId.toLowerCase()) ?? [];
  }

  /** A user was appended to the users array. */
  noteInsert(user: RUser): void {
    this.#add(user);
    for (const [property, entries] of this.#sorted) {
      const key = keyOf(user, property);
      if (key === undefined) continue;
      const entry = { key, user };
      entries.splice(positionOf(entries, entry), 0, entry);
    }
    if (user.managerId) this.#reports = null;
  }

  /**
   * A user changed in place. `before` holds the previous values of the
   * properties that changed, so their index rows can be moved.
   */
  noteUpdate(user: RUser, before: Readonly<Record<string, unknown>>): void {
    this.views.forget(user);
    const oldUpn = before.userPrincipalName;
    if (typeof oldUpn === "string") {
      this.byUpn.delete(oldUpn.toLowerCase());
      this.byUpn.set(user.userPrincipalName.toLowerCase(), user);
    }
    for (const property of Object.keys(before)) {
      const entries = this.#sorted.get(property);
      if (entries) {
        const old = before[property];
        if (typeof old === "string" && old !== "") this.#removeEntry(entries, { key: old.toLowerCase(), user });
        const key = keyOf(user, property);
        if (key !== undefined) {
          const entry = { key, user };
          entries.splice(positionOf(entries, entry), 0, entry);
        }
      }
    }
    if ("managerId" in before) this.#reports = null;
  }

  /** A user was removed from the users array. */
  noteDelete(user: RUser): void {
    this.views.forget(user);
    this.byId.delete(user.id.toLowerCase());
    this.byUpn.delete(user.userPrincipalName.toLowerCase());
    this.length--;
    for (const [property, entries] of this.#sorted) {
      const key = keyOf(user, property);
      if (key !== undefined) this.#removeEntry(entries, { key, user });
    }
    this.#reports = null;
  }

  #removeEntry(entries: IndexEntry[], entry: IndexEntry): void {
    const at = positionOf(entries, entry);
    if (entries[at]?.user === entry.user) entries.splice(at, 1);
  }
}

/** One index per users array; a replaced array (reset, snapshot import, clone) gets a fresh one. */
const indexes = new WeakMap<object, UserIndex>();

/** The index of a tenant's users, rebuilt when the users array is new or its length changed outside the model. */
export function userIndex(t: DeepReadonly<TenantState> | TenantState): UserIndex {
  const users = t.users as readonly RUser[];
  let index = indexes.get(users);
  if (!index || index.length !== users.length) {
    index = new UserIndex(users);
    indexes.set(users, index);
  }
  return index;
}
