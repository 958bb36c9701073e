import type { DeepReadonly } from "../../store/store.ts";
import type { User } from "../../store/types.ts";
import type { FilterExpr } from "../odata/index.ts";
import { userProperty } from "./properties.ts";
import type { IndexRange, UserIndex } from "../../directory/user-index.ts";

type RUser = DeepReadonly<User>;

/**
 * A superset of the users a filter can match, found through the indexes
 * instead of a scan. The caller still evaluates the whole filter on each
 * candidate, so a plan only has to be a superset.
 */
export interface Candidates {
  /** How many users the plan yields (an upper bound when ranges overlap). */
  size: number;
  /** Set when the candidates come out sorted ascending by this property. */
  orderedBy?: string;
  /**
   * Set when every candidate matches the whole filter, so evaluating it again
   * would drop none: startswith on an indexed property, whose index holds each
   * value lower-cased, as the case-insensitive evaluation compares them.
   */
  exact?: boolean;
  iterate(): Iterable<RUser>;
}

function* rangeUsers(r: IndexRange): Iterable<RUser> {
  for (let i = r.start; i < r.end; i++) yield (r.entries[i] as { user: RUser }).user;
}

const fromRange = (r: IndexRange, property: string): Candidates => ({ size: r.end - r.start, orderedBy: property, iterate: () => rangeUsers(r) });
const fromList = (users: RUser[]): Candidates => ({ size: users.length, iterate: () => users });

function union(parts: Candidates[]): Candidates {
  return {
    size: parts.reduce((n, p) => n + p.size, 0),
    *iterate() {
      const seen = new Set<RUser>();
      for (const part of parts) {
        for (const u of part.iterate()) {
          if (seen.has(u)) continue;
          seen.add(u);
          yield u;
        }
      }
    },
  };
}

/** A plain (non-collection) string property named by a one-segment path, which the sorted indexes can serve. */
function indexable(path: readonly string[]): string | undefined {
  if (path.length !== 1) return undefined;
  const prop = userProperty(path[0] as string);
  return prop && prop.type === "Edm.String" ? prop.name : undefined;
}

function equal(index: UserIndex, property: string, value: string): Candidates {
  if (property === "id" || property === "userPrincipalName") {
    const u = (property === "id" ? index.byId : index.byUpn).get(value.toLowerCase());
    return fromList(u ? [u] : []);
  }
  return fromRange(index.equal(property, value), property);
}

/** Plans a checked filter (canonical property names); null means "scan everything". */
export function planFilter(expr: FilterExpr, index: UserIndex): Candidates | null {
  switch (expr.kind) {
    case "compare": {
      if (expr.left.kind !== "property" || expr.right.kind !== "literal" || typeof expr.right.value !== "string" || expr.right.value === "") return null;
      const property = indexable(expr.left.path);
      if (!property) return null;
      const value = expr.right.value;
      if (expr.op === "eq") return equal(index, property, value);
      if (expr.op === "ge") return fromRange(index.between(property, { value, inclusive: true }, null), property);
      if (expr.op === "le") return fromRange(index.between(property, null, { value, inclusive: true }), property);
      return null;
    }
    case "function": {
      const [target, arg] = expr.args;
      if (expr.name !== "startswith" || target.kind !== "property" || arg.kind !== "literal" || typeof arg.value !== "string") return null;
      const property = indexable(target.path);
      return property ? { ...fromRange(index.prefix(property, arg.value), property), exact: true } : null;
    }
    case "in": {
      if (expr.left.kind !== "property") return null;
      const property = indexable(expr.left.path);
      if (!property || !expr.values.every((v) => typeof v === "string" && v !== "")) return null;
      return union(expr.values.map((v) => equal(index, property, v as string)));
    }
    case "and": {
      const left = planFilter(expr.left, index);
      const right = planFilter(expr.right, index);
      // One side's candidates, which the other side may still rule out.
      const narrower = !left ? right : !right ? left : left.size <= right.size ? left : right;
      return narrower && { ...narrower, exact: false };
    }
    case "or": {
      const left = planFilter(expr.left, index);
      const right = left && planFilter(expr.right, index);
      return left && right ? union([left, right]) : null;
    }
    default:
      return null;
  }
}
