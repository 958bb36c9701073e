import type { AnyTokenPermissions, Method, Operation, OperationPermissions } from "./operation.ts";

/** What a path matched: the row and its decoded parameters. */
export interface Match {
  operation: Operation;
  params: Record<string, string>;
}

interface Node {
  /** Children by lower-cased literal segment. */
  literals: Map<string, Node>;
  /** The child for a `{name}` parameter, if any. */
  param?: { name: string; node: Node };
  /** Rows ending here, by method. */
  rows: Map<Method, Operation>;
}

const node = (): Node => ({ literals: new Map(), rows: new Map() });

/** An OData function segment `name()` also matches `name`, `microsoft.graph.name` and `microsoft.graph.name()`. */
function literalForms(segment: string): string[] {
  const lower = segment.toLowerCase();
  if (!lower.endsWith("()")) return [lower];
  const name = lower.slice(0, -2);
  return [name, lower, `microsoft.graph.${name}`, `microsoft.graph.${lower}`];
}

/**
 * Checks a row at start-up: a path of literal and `{name}` segments, and a
 * permission rule that someone can meet, or an explicit "any valid token"
 * rule that says why. The type already requires the rule; this catches rows
 * built at run time with empty or missing lists.
 */
function checkRow(op: Operation): void {
  const where = `${op.method} ${op.path}`;
  if (!/^(\/[^/{}]+|\/\{\w+\})+$/.test(op.path)) throw new Error(`Graph operation table: bad path template in ${where}`);
  const any = op.permissions as Partial<AnyTokenPermissions> | undefined;
  if (any && "anyValidToken" in any) {
    if (any.anyValidToken !== true || typeof any.why !== "string" || any.why.trim() === "") throw new Error(`Graph operation table: ${where} allows any valid token without saying why`);
    if (typeof op.handler !== "function") throw new Error(`Graph operation table: ${where} has no handler`);
    return;
  }
  const p = op.permissions as Partial<OperationPermissions> | undefined;
  if (!p || !Array.isArray(p.delegated) || !Array.isArray(p.application) || (p.refusal !== "directory" && p.refusal !== "outlook")) {
    throw new Error(`Graph operation table: ${where} has no permission rule`);
  }
  if (p.delegated.length === 0 && p.application.length === 0) throw new Error(`Graph operation table: no permission allows ${where}`);
  if (typeof op.handler !== "function") throw new Error(`Graph operation table: ${where} has no handler`);
}

/**
 * Graph's operation table compiled once into a tree of segments. Matching is
 * case-insensitive, as Graph's is; a literal segment wins over a parameter at
 * the same place, falling back to the parameter when the rest of the path
 * does not match under the literal. Parameters take one non-empty segment.
 */
export class OperationMatcher {
  readonly #root = node();

  constructor(operations: readonly Operation[]) {
    for (const op of operations) {
      checkRow(op);
      let at = this.#root;
      for (const segment of op.path.split("/").slice(1)) {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (param !== undefined) {
          if (at.param && at.param.name !== param) throw new Error(`Graph operation table: {${at.param.name}} and {${param}} at the same place (${op.path})`);
          at.param ??= { name: param, node: node() };
          at = at.param.node;
          continue;
        }
        const forms = literalForms(segment);
        const child = at.literals.get(forms[0] as string) ?? node();
        for (const f of forms) at.literals.set(f, child);
        at = child;
      }
      if (at.rows.has(op.method)) throw new Error(`Graph operation table: ${op.method} ${op.path} is listed twice`);
      at.rows.set(op.method, op);
    }
  }

  /**
   * The row for a method and a path (no query; raw, percent-encoded
   * segments; a trailing slash allowed). `keySegment` is the index of a
   * segment that came from a quoted key and so never matches a literal.
   * `systemSegment` is set to a `$`-segment that only a parameter could have
   * taken: Graph knows no such system segment there.
   */
  match(method: Method, path: string, keySegment = -1): (Match & { systemSegment?: undefined }) | { systemSegment: string } | undefined {
    let trimmed = path;
    if (trimmed.length > 1 && trimmed.endsWith("/")) trimmed = trimmed.slice(0, -1);
    const parts = trimmed.split("/");
    if (parts[0] !== "") return undefined;
    const params: [string, string][] = [];
    const refused: { segment?: string } = {};
    const found = this.#walk(this.#root, parts, 1, method, keySegment, params, refused);
    if (found) return { operation: found, params: Object.fromEntries(params) };
    return refused.segment !== undefined ? { systemSegment: refused.segment } : undefined;
  }

  #walk(at: Node, parts: string[], i: number, method: Method, keySegment: number, params: [string, string][], refused: { segment?: string }): Operation | undefined {
    if (i === parts.length) return at.rows.get(method);
    const text = parts[i] as string;
    if (i !== keySegment) {
      const literal = at.literals.get(text.toLowerCase());
      const found = literal && this.#walk(literal, parts, i + 1, method, keySegment, params, refused);
      if (found) return found;
    }
    if (!at.param || text === "") return undefined;
    if (text.charCodeAt(0) === 36 /* $ */ && i !== keySegment) {
      refused.segment ??= text;
      return undefined;
    }
    params.push([at.param.name, text]);
    const found = this.#walk(at.param.node, parts, i + 1, method, keySegment, params, refused);
    if (!found) params.pop();
    return found;
  }
}
