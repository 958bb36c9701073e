import type { DeepReadonly } from "../../store/store.ts";
import type { TenantState, User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { parseSelect } from "../odata/index.ts";
import { findUser } from "../../directory/users.ts";
import { parsed, type Options } from "./query.ts";
import { userProperty } from "./properties.ts";
import { userAsDirectoryObject } from "./views.ts";

/**
 * `$expand=manager` and `$expand=manager($select=id,displayName)`: the
 * manager inline as a directoryObject. Other navigations are not expandable
 * in the emulator.
 */
export interface ExpandSpec {
  select: string[] | null;
}

export function parseExpand(options: Options): ExpandSpec | null {
  const text = options.get("$expand");
  if (text === undefined) return null;
  const m = /^\s*manager\s*(?:\((.*)\))?\s*$/i.exec(text);
  if (!m) throw graphErrors.userQuerySyntax(`Invalid $expand query option: the emulator can expand only 'manager' on users, not '${text.slice(0, 100)}'.`);
  const inner = m[1]?.trim();
  if (!inner) return { select: null };
  const sel = /^\$select\s*=\s*(.+)$/i.exec(inner);
  if (!sel) throw graphErrors.userQuerySyntax(`Invalid $expand query option: only $select is supported inside manager(...), not '${inner.slice(0, 100)}'.`);
  const names = parsed("$expand", () => parseSelect(sel[1] as string));
  return { select: names.flatMap((n) => userProperty(n)?.name ?? []) };
}

/** Adds `manager` to a user's view; a user without a manager has no `manager` property. */
export function withManager(
  t: DeepReadonly<TenantState>,
  user: DeepReadonly<User>,
  view: Record<string, unknown>,
  spec: ExpandSpec | null,
): Record<string, unknown> {
  if (!spec) return view;
  const manager = user.managerId ? findUser(t, user.managerId) : undefined;
  return manager ? { ...view, manager: userAsDirectoryObject(manager, spec.select) } : view;
}
