import type { Outgoing, OutgoingFacts } from "./outgoing.ts";

/**
 * How notifications are delivered: each POST may take 3 seconds (Graph's
 * timeout, change-notifications-delivery-webhooks.md); a receiver that
 * answers anything but 2xx, answers late or cannot be reached gets the
 * notification again after 0.5, 1, 2 and 4 seconds, then it is dropped. Graph
 * retries "for up to 4 hours"; the emulator keeps it to seconds so that tests
 * see retries and drops without waiting. Timers are real (not the emulator
 * clock): they pace the receiver, they do not decide expiry.
 */
export interface DeliverySchedule {
  timeoutMs: number;
  retryDelaysMs: readonly number[];
}

export const DELIVERY_SCHEDULE: DeliverySchedule = { timeoutMs: 3_000, retryDelaysMs: [500, 1_000, 2_000, 4_000] };

export interface Delivery {
  url: string;
  /** The JSON text to POST. */
  body: string;
  facts: OutgoingFacts;
  /** Asked before every retry: whether it should still go (its subscription still exists and delivers). */
  stillWanted(): boolean;
  /** Called when every attempt failed. */
  onDropped?(): void;
}

export class Deliveries {
  readonly #outgoing: Outgoing;
  readonly #stopping: AbortSignal;
  readonly #schedule: DeliverySchedule;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(outgoing: Outgoing, stopping: AbortSignal, schedule: DeliverySchedule = DELIVERY_SCHEDULE) {
    this.#outgoing = outgoing;
    this.#stopping = stopping;
    this.#schedule = schedule;
  }

  send(delivery: Delivery): void {
    void this.#attempt(delivery, 0);
  }

  /** Whether a retry should still go; a tenant removed meanwhile (the store refuses to read it) means no. */
  #wanted(d: Delivery): boolean {
    try {
      return d.stillWanted();
    } catch {
      return false;
    }
  }

  async #attempt(d: Delivery, attempt: number): Promise<void> {
    if (this.#stopping.aborted || (attempt > 0 && !this.#wanted(d))) return;
    const outcome = await this.#outgoing.post(d.url, d.body, "application/json; charset=utf-8", this.#schedule.timeoutMs, d.facts);
    if (outcome.answered && outcome.status >= 200 && outcome.status < 300) return;
    if (this.#stopping.aborted) return;
    const wait = this.#schedule.retryDelaysMs[attempt];
    if (wait === undefined) return d.onDropped?.();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(d, attempt + 1);
    }, wait);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Forgets every retry still waiting (the emulator stops). */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
