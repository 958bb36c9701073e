import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.ts";
import { parseDuration } from "../clock.ts";
import { ENTRA_FAULTS, GRAPH_FAULTS, type FaultInput, type FaultName, type ThrottlingConfig } from "./schema.ts";
import { seededRandom } from "../util/seeded-random.ts";

export interface FaultRule extends FaultInput {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  fired: number;
}

export interface RequestFacts {
  /** "notifications": a POST the emulator sends to a change-notification receiver (`path` is its URL). */
  area: "identity" | "graph" | "notifications";
  method: string;
  path: string;
  tenant: string | null;
  clientId: string | null;
  userId: string | null;
}

const defaultArea = (name: FaultName): "identity" | "graph" | undefined =>
  (ENTRA_FAULTS as readonly string[]).includes(name) ? "identity" : (GRAPH_FAULTS as readonly string[]).includes(name) ? "graph" : undefined;

/**
 * Fault rules and throttling state. Rules fire in the order added; the first
 * that matches and draws "fire" wins. Throttling follows Graph: after a 429,
 * the same app in the same tenant stays throttled until Retry-After passes.
 */
export class FaultEngine {
  #rules: FaultRule[] = [];
  #random = new Map<string, () => number>();
  #throttledUntil = new Map<string, number>();
  #windows = new Map<string, { start: number; count: number }>();
  #throttling: ThrottlingConfig | null = null;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  add(input: FaultInput): FaultRule {
    const expiresMs = input.expiresIn ? parseDuration(input.expiresIn) : undefined;
    if (input.expiresIn && expiresMs === undefined) throw new RangeError(`expiresIn: '${input.expiresIn}' is not an ISO 8601 duration such as PT5M`);
    const rule: FaultRule = {
      ...input,
      match: { ...input.match, area: input.match.area ?? defaultArea(input.fault) },
      id: randomUUID(),
      createdAt: this.#clock.now().toISOString(),
      expiresAt: expiresMs === undefined ? null : new Date(this.#clock.nowMs() + expiresMs).toISOString(),
      fired: 0,
    };
    this.#rules.push(rule);
    this.#random.set(rule.id, seededRandom(input.seed ?? 1));
    return rule;
  }

  list(): FaultRule[] {
    this.#prune();
    return [...this.#rules];
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    this.#random.delete(id);
    return before !== this.#rules.length;
  }

  clear(): void {
    this.#rules = [];
    this.#random.clear();
    this.#throttledUntil.clear();
    this.#windows.clear();
  }

  /** The rule to apply to this request, if any; counts it as fired. */
  /** Whether any rule is set (expired ones included until the next match prunes them). */
  get hasRules(): boolean {
    return this.#rules.length > 0;
  }

  match(facts: RequestFacts): FaultRule | undefined {
    if (this.#rules.length === 0) return undefined;
    this.#prune();
    for (const rule of this.#rules) {
      if (!matches(rule, facts)) continue;
      if (rule.probability !== undefined && (this.#random.get(rule.id) as () => number)() >= rule.probability) continue;
      rule.fired += 1;
      return rule;
    }
    return undefined;
  }

  /** Seconds a throttled app must still wait, or 0. */
  throttledFor(key: string): number {
    if (this.#throttledUntil.size === 0) return 0;
    const until = this.#throttledUntil.get(key) ?? 0;
    const left = until - this.#clock.nowMs();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  throttle(key: string, seconds: number): void {
    this.#throttledUntil.set(key, this.#clock.nowMs() + seconds * 1000);
  }

  setThrottling(config: ThrottlingConfig | null): void {
    this.#throttling = config;
    this.#windows.clear();
  }

  get throttling(): ThrottlingConfig | null {
    return this.#throttling;
  }

  /** Counts a request against the per-app, per-tenant limit; returns Retry-After seconds when over it. */
  countRequest(key: string): number {
    const cfg = this.#throttling;
    if (!cfg) return 0;
    const now = this.#clock.nowMs();
    const windowMs = cfg.windowSeconds * 1000;
    let w = this.#windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= cfg.limit) return 0;
    return Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
  }

  #prune(): void {
    const now = this.#clock.nowMs();
    this.#rules = this.#rules.filter(
      (r) => (r.times === undefined || r.fired < r.times) && (r.expiresAt === null || new Date(r.expiresAt).getTime() > now),
    );
  }
}

function matches(rule: FaultRule, f: RequestFacts): boolean {
  const m = rule.match;
  // Notifications are the emulator's own requests: only rules that name their area reach them.
  if (f.area === "notifications" && m.area !== "notifications") return false;
  const eq = (a: string | undefined, b: string | null) => a === undefined || (b !== null && a.toLowerCase() === b.toLowerCase());
  if (m.area && m.area !== f.area) return false;
  if (m.method && m.method.toUpperCase() !== f.method.toUpperCase()) return false;
  if (!eq(m.tenant, f.tenant) || !eq(m.clientId, f.clientId) || !eq(m.userId, f.userId)) return false;
  if (m.path) {
    const re = /^\/(.+)\/([a-z]*)$/.exec(m.path);
    if (re) {
      try {
        if (!new RegExp(re[1] as string, (re[2] as string).includes("i") ? "i" : "").test(f.path)) return false;
      } catch {
        return false;
      }
    } else if (!f.path.toLowerCase().includes(m.path.toLowerCase())) return false;
  }
  return true;
}
