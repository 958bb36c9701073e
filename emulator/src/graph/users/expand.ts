import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { parseSelect } from "../odata/index.ts";
import { findUser } from "../../directory/users.ts";
import { parsed, type Options } from "./query.ts";
import { userProperty } from "./properties.ts";
import { userAsDirectoryObject } from "./views.ts";

/**
 * `$expand=manager`, `$expand=manager($select=id,displayName)` and the
 * management chain `$expand=manager($levels=n|max;$select=...)`
 * (user-list-manager.md): the manager inline as a directoryObject, and with
 * $levels its own manager inside it, n deep. Other navigations are not
 * expandable in the emulator.
 */
export interface ExpandSpec {
  select: string[] | null;
  /** How many managers deep: 1 without $levels. */
  levels: number;
}

/** `$levels=max` reaches the top of any chain; numbers go from 1 to 1000 (user-list-manager.md). */
const MAX_LEVELS = 1000;

export function parseExpand(options: Options): ExpandSpec | null {
  const text = options.get("$expand");
  if (text === undefined) return null;
  const m = /^\s*manager\s*(?:\((.*)\))?\s*$/i.exec(text);
  if (!m) throw graphErrors.userQuerySyntax(`Invalid $expand query option: the emulator can expand only 'manager' on users, not '${text.slice(0, 100)}'.`);
  const spec: ExpandSpec = { select: null, levels: 1 };
  const inner = m[1]?.trim();
  if (!inner) return spec;
  for (const option of inner.split(";")) {
    const [, name, value] = /^\s*(\$\w+)\s*=\s*(.*?)\s*$/.exec(option) ?? [];
    if (name?.toLowerCase() === "$select" && value) {
      const names = parsed("$expand", () => parseSelect(value));
      spec.select = names.flatMap((n) => userProperty(n)?.name ?? []);
    } else if (name?.toLowerCase() === "$levels" && value && /^(max|[1-9]\d{0,3})$/i.test(value) && (/^max$/i.test(value) || Number(value) <= MAX_LEVELS)) {
      spec.levels = /^max$/i.test(value) ? MAX_LEVELS : Number(value);
    } else {
      throw graphErrors.userQuerySyntax(`Invalid $expand query option: only $select and $levels are supported inside manager(...), not '${option.trim().slice(0, 100)}'.`);
    }
  }
  return spec;
}

/** Adds `manager` to a user's view (its own manager inside it, `levels` deep); a user without a manager has no `manager` property. */
export function withManager(
  t: DeepReadonly<TenantState>,
  user: DeepReadonly<User>,
  view: Record<string, unknown>,
  spec: ExpandSpec | null,
): Record<string, unknown> {
  if (!spec) return view;
  const seen = new Set([user.id]);
  let holder = view;
  let current = user;
  for (let level = 0; level < spec.levels && current.managerId; level++) {
    const manager = findUser(t, current.managerId);
    if (!manager || seen.has(manager.id)) break;
    seen.add(manager.id);
    const inline = userAsDirectoryObject(manager, spec.select);
    holder.manager = inline;
    holder = inline;
    current = manager;
  }
  return view;
}
