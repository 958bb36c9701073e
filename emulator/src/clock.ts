/**
 * The emulator clock: the single source of "now" for every expiry decision.
 * It runs with real time plus an offset that tests move forward (or set).
 */
export class Clock {
  #offsetMs = 0;
  readonly #realNow: () => number;
  readonly #listeners = new Set<() => void>();

  constructor(realNow: () => number = Date.now) {
    this.#realNow = realNow;
  }

  nowMs(): number {
    return this.#realNow() + this.#offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Seconds since the epoch, as JWT claims want them. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The clock only moves forward");
    this.#offsetMs += ms;
    this.#moved();
  }

  set(date: Date): void {
    this.#offsetMs = date.getTime() - this.#realNow();
    this.#moved();
  }

  reset(): void {
    this.#offsetMs = 0;
    this.#moved();
  }

  /** Calls `listener` whenever the clock is moved (advance, set, reset); returns what stops it. */
  onMove(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #moved(): void {
    for (const listener of this.#listeners) listener();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }
}

const DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO 8601 duration such as "P91D" or "PT1H30M" into milliseconds.
 * Years and months use fixed lengths (365 and 30 days): the clock moves by
 * elapsed time, not calendar arithmetic. Returns undefined when malformed.
 * Hand-written: a twelve-line regex does not justify a dependency.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => (v ? Number(v) : 0)) as number[];
  const day = 86_400_000;
  return Math.round(
    (y ?? 0) * 365 * day + (mo ?? 0) * 30 * day + (w ?? 0) * 7 * day + (d ?? 0) * day +
      (h ?? 0) * 3_600_000 + (mi ?? 0) * 60_000 + (s ?? 0) * 1000,
  );
}
