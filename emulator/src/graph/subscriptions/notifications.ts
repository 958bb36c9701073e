import type { Clock } from "../../clock.ts";
import type { FaultEngine } from "../../faults/engine.ts";
import type { RequestJournal } from "../../journal/journal.ts";
import type { Change } from "../../store/changes.ts";
import type { DeepReadonly, Store } from "../../store/store.ts";
import type { GraphSubscription, TenantState } from "../../store/types.ts";
import { defaultCalendarOf } from "../calendar/mailbox.ts";
import { stillAllowed } from "./access.ts";
import { readChanges, type FeedBatch, type ResourceChange } from "./change-feed.ts";
import { Deliveries, type DeliverySchedule } from "./deliveries.ts";
import { changedSubscription, changeTypesOf, removeSubscription, subscriptionsOf } from "./model.ts";
import { Outgoing, type OutgoingFacts } from "./outgoing.ts";
import { changeNotification, collection, lifecycleNotification, type LifecycleEvent } from "./payloads.ts";
import { familyOf } from "./resources.ts";
import { validateEndpoint } from "./validation.ts";
import { WebhookClient } from "./webhook-client.ts";

export interface NotificationDeps {
  store: Store;
  clock: Clock;
  journal: RequestJournal;
  faults: FaultEngine;
  /** The emulator's CA, trusted for HTTPS receivers besides Node's roots and NODE_EXTRA_CA_CERTS. */
  caCert: string;
  /** Delivery timing (tests may shorten it). */
  schedule?: DeliverySchedule;
}

/** The longest a sweep for expired subscriptions is planned ahead (timers cannot wait longer than about 24 days). */
const MAX_SWEEP_WAIT_MS = 3_600_000;

const expiresAt = (s: DeepReadonly<GraphSubscription>) => Date.parse(s.expirationDateTime);

/**
 * Change notifications: listens to the store's committed writes (a change
 * feed, read in change-feed.ts) and to the emulator clock, and POSTs what
 * subscribers asked for. The write itself only has its changes read; matching
 * and sending happen on a later tick, once the write is on disk (a write the
 * disk refused notifies nobody).
 *
 * - Expiry is the emulator clock's: a subscription past its
 *   expirationDateTime delivers nothing, and is removed (with a
 *   subscriptionRemoved lifecycle notification for Outlook resources) when
 *   the clock moves past it or, in real time, when it is due.
 * - When the application loses the permission the resource needs,
 *   deliveries pause and a reauthorizationRequired lifecycle notification is
 *   sent; PATCH or POST …/reauthorize resumes them.
 * - A change notification dropped after its retries is followed by a
 *   `missed` lifecycle notification (Outlook resources).
 * Lifecycle notifications go only to subscriptions that named a
 * lifecycleNotificationUrl.
 */
export class ChangeNotifications {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #client: WebhookClient;
  readonly #outgoing: Outgoing;
  readonly #deliveries: Deliveries;
  readonly #stopping = new AbortController();
  readonly #stop: (() => void)[] = [];
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
  #sweepQueued = false;

  constructor(deps: NotificationDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#client = new WebhookClient(deps.caCert);
    this.#outgoing = new Outgoing({ client: this.#client, journal: deps.journal, faults: deps.faults, clock: deps.clock, stopping: this.#stopping.signal });
    this.#deliveries = new Deliveries(this.#outgoing, this.#stopping.signal, deps.schedule);
    this.#stop.push(deps.store.onCommit((tenantId, changes) => this.#committed(tenantId, changes)));
    this.#stop.push(deps.clock.onMove(() => this.#queueSweep()));
    this.#queueSweep();
  }

  /** The validation handshake with a receiver (Graph's 400 when it fails). */
  validate(url: string, facts: OutgoingFacts): Promise<void> {
    return validateEndpoint(this.#outgoing, url, facts);
  }

  /** Stops listening, forgets pending retries and ends requests in flight. */
  async close(): Promise<void> {
    this.#stopping.abort();
    for (const stop of this.#stop) stop();
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#deliveries.close();
    await this.#client.close();
  }

  /** Runs inside the write: reads its changes only when the tenant has subscriptions, then leaves the rest to a later tick. */
  #committed(tenantId: string, changes: readonly Change[]): void {
    if (this.#stopping.signal.aborted) return;
    if (changes.some((c) => (c.kind === "put" || c.kind === "remove" || c.kind === "collection") && c.collection === "subscriptions")) this.#queueSweep();
    if (this.#store.read(tenantId, (t) => subscriptionsOf(t).length) === 0) return;
    const batch = readChanges(changes);
    if (batch.changes.length === 0 && !batch.access) return;
    const mark = this.#store.mark();
    setImmediate(() => void this.#process(tenantId, batch, mark).catch((err: unknown) => report(err)));
  }

  async #process(tenantId: string, batch: FeedBatch, mark: number): Promise<void> {
    // A write the disk refused is rolled back: nobody hears of it.
    if (!(await this.#store.flush(mark).then(() => true, () => false)) || this.#stopping.signal.aborted) return;
    // The tenant may have been removed meanwhile (DELETE /_emulator/tenants/{id}).
    if (this.#store.resolveTenant(tenantId) === undefined) return;
    if (batch.access) this.#checkAccess(tenantId);
    if (batch.changes.length === 0) return;
    const now = this.#clock.nowMs();
    const outgoing = this.#store.read(tenantId, (t) => {
      const out: { s: DeepReadonly<GraphSubscription>; items: Record<string, unknown>[] }[] = [];
      for (const s of subscriptionsOf(t)) {
        if (!delivering(s, now)) continue;
        const wanted = changeTypesOf(s);
        const items = batch.changes.filter((c) => wanted.has(c.changeType) && concerns(t, s, c)).map((c) => changeNotification(s, c, tenantId));
        if (items.length > 0) out.push({ s, items });
      }
      return out;
    });
    for (const { s, items } of outgoing) {
      this.#deliveries.send({
        url: s.notificationUrl,
        body: collection(items),
        facts: factsOf(tenantId, s),
        stillWanted: () => this.#delivering(tenantId, s.id),
        onDropped: () => familyOf(s.target) === "outlook" && this.#lifecycle(tenantId, s, "missed"),
      });
    }
  }

  /** Whether the subscription still exists and delivers (not expired, not waiting for reauthorization). */
  #delivering(tenantId: string, id: string): boolean {
    const now = this.#clock.nowMs();
    return this.#store.read(tenantId, (t) => subscriptionsOf(t).some((s) => s.id === id && delivering(s, now)));
  }

  #lifecycle(tenantId: string, s: DeepReadonly<GraphSubscription>, event: LifecycleEvent): void {
    if (!s.lifecycleNotificationUrl) return;
    this.#deliveries.send({
      url: s.lifecycleNotificationUrl,
      body: collection([lifecycleNotification(s, event, tenantId)]),
      facts: factsOf(tenantId, s),
      stillWanted: () => true,
    });
  }

  /** Marks the subscriptions whose application lost its access, and tells each once. */
  #checkAccess(tenantId: string): void {
    const lost = this.#store.read(tenantId, (t) =>
      subscriptionsOf(t)
        .filter((s) => !s.reauthorizationRequired && !stillAllowed(this.#store, tenantId, s))
        .map((s) => s.id),
    );
    if (lost.length === 0) return;
    const marked = this.#tryWrite(tenantId, (t) => {
      const out: GraphSubscription[] = [];
      for (const s of t.subscriptions) {
        if (!lost.includes(s.id)) continue;
        s.reauthorizationRequired = true;
        changedSubscription(t, s);
        out.push(structuredClone(s));
      }
      return out;
    });
    for (const s of marked ?? []) this.#lifecycle(tenantId, s, "reauthorizationRequired");
  }

  #queueSweep(): void {
    if (this.#sweepQueued || this.#stopping.signal.aborted) return;
    this.#sweepQueued = true;
    setImmediate(() => {
      this.#sweepQueued = false;
      try {
        if (!this.#stopping.signal.aborted) this.#sweep();
      } catch (err) {
        report(err);
      }
    });
  }

  /** Removes expired subscriptions (telling Outlook subscribers), then plans the next sweep for the next expiry. */
  #sweep(): void {
    const now = this.#clock.nowMs();
    let next = Infinity;
    for (const { id: tenantId } of this.#store.listTenants()) {
      const expired = this.#store.read(tenantId, (t) => {
        const ids: string[] = [];
        for (const s of subscriptionsOf(t)) {
          const at = expiresAt(s);
          if (at <= now) ids.push(s.id);
          else next = Math.min(next, at);
        }
        return ids;
      });
      if (expired.length === 0) continue;
      const removed = this.#tryWrite(tenantId, (t) => {
        const gone = t.subscriptions.filter((s) => expired.includes(s.id));
        for (const s of gone) removeSubscription(t, s);
        return gone;
      });
      for (const s of removed ?? []) if (familyOf(s.target) === "outlook") this.#lifecycle(tenantId, s, "subscriptionRemoved");
    }
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    if (next === Infinity) return;
    this.#sweepTimer = setTimeout(() => this.#queueSweep(), Math.min(Math.max(next - now, 0) + 5, MAX_SWEEP_WAIT_MS));
    this.#sweepTimer.unref();
  }

  /** A write that may find the disk refusing (it is tried again on the next sweep or change). */
  #tryWrite<T>(tenantId: string, fn: (t: TenantState) => T): T | undefined {
    try {
      return this.#store.write(tenantId, fn);
    } catch {
      return undefined;
    }
  }
}

/** Work done off the request path reports what it did not expect instead of failing the process. */
function report(err: unknown): void {
  console.error("graph-emulator: change notifications:", err instanceof Error ? err.stack : err);
}

function delivering(s: DeepReadonly<GraphSubscription>, nowMs: number): boolean {
  return !s.reauthorizationRequired && expiresAt(s) > nowMs;
}

/** Whether a change is in what the subscription watches. */
function concerns(t: DeepReadonly<TenantState>, s: DeepReadonly<GraphSubscription>, c: ResourceChange): boolean {
  const target = s.target;
  if (c.kind === "user") return target.kind === "users" || (target.kind === "user" && target.userId === c.id);
  if (target.kind !== "events" || target.ownerId !== c.ownerId) return false;
  if (target.calendarId === null) return true;
  const calendarId = target.calendarId === "default" ? defaultCalendarOf(t, c.ownerId)?.id : target.calendarId;
  return calendarId === c.calendarId;
}

export function factsOf(tenantId: string, s: DeepReadonly<GraphSubscription>): OutgoingFacts {
  return { tenant: tenantId, clientId: s.applicationId, userId: s.delegated ? s.creatorId : null };
}
