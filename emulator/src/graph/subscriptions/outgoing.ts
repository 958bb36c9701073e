import type { Clock } from "../../clock.ts";
import type { FaultEngine } from "../../faults/engine.ts";
import type { RequestJournal } from "../../journal/journal.ts";
import { redactUrl } from "../../journal/redact.ts";
import type { PostOutcome, WebhookClient } from "./webhook-client.ts";

/** Whose POST it is, for the journal and for fault rules' matches. */
export interface OutgoingFacts {
  tenant: string;
  /** The subscribing application's appId. */
  clientId: string;
  /** The signed-in user a delegated subscription was made for. */
  userId: string | null;
}

export type Outcome = PostOutcome | { answered: false; reason: "dropped"; detail: string; durationMs: number };

/**
 * Every POST the emulator sends to a receiver goes through here: fault rules
 * of the area "notifications" may delay it (latency) or drop it
 * (drop_connection: it is not sent and counts as failed), and the request
 * journal records it as an entry of the area "notifications", with the
 * receiver's status (0 when there was none) and why it failed.
 */
export class Outgoing {
  readonly #client: WebhookClient;
  readonly #journal: RequestJournal;
  readonly #faults: FaultEngine;
  readonly #clock: Clock;
  readonly #stopping: AbortSignal;

  constructor(deps: { client: WebhookClient; journal: RequestJournal; faults: FaultEngine; clock: Clock; stopping: AbortSignal }) {
    this.#client = deps.client;
    this.#journal = deps.journal;
    this.#faults = deps.faults;
    this.#clock = deps.clock;
    this.#stopping = deps.stopping;
  }

  async post(url: string, body: string, contentType: string, timeoutMs: number, facts: OutgoingFacts): Promise<Outcome> {
    const timeMs = this.#clock.nowMs();
    const started = performance.now();
    const rule = this.#faults.hasRules
      ? this.#faults.match({ area: "notifications", method: "POST", path: url, tenant: facts.tenant, clientId: facts.clientId, userId: facts.userId })
      : undefined;
    let outcome: Outcome;
    if (rule?.fault === "drop_connection") {
      outcome = { answered: false, reason: "dropped", detail: "dropped by a fault rule", durationMs: 0 };
    } else {
      if (rule?.fault === "latency") await delay(rule.latencyMs, this.#stopping);
      outcome = this.#stopping.aborted
        ? { answered: false, reason: "aborted", detail: "the emulator stopped", durationMs: 0 }
        : await this.#client.post(url, body, contentType, timeoutMs);
    }
    this.#journal.record({
      timeMs,
      method: "POST",
      url: redactUrl(url).slice(0, 2048),
      area: "notifications",
      tenant: facts.tenant,
      clientId: facts.clientId,
      userId: facts.userId,
      status: outcome.answered ? outcome.status : 0,
      errorCode: outcome.answered ? null : `${outcome.reason}: ${outcome.detail}`.slice(0, 200),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      headers: { "content-type": contentType },
      faultId: rule?.id ?? null,
    });
    return outcome;
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
