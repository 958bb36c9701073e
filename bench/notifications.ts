import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { probeInWorker, summarize, type LatencySummary } from "./load.ts";
import type { Small } from "./scenarios.ts";

/**
 * What change notifications add to the write that causes them: POST
 * /v1.0/me/events timed one at a time with no subscription, then with N
 * subscriptions on the same mailbox (created and deleted) whose receiver is a
 * plain HTTP server on loopback in this thread. Delivery is asynchronous: the
 * write's latency is what is measured. Conditions alternate per round, and a
 * round with subscriptions waits until every notification it caused has
 * arrived, so no delivery spills into the next round's timing.
 */
export interface NotificationCost {
  subscriptions: number;
  without: LatencySummary;
  with: LatencySummary;
  /** Median with minus median without, ms. */
  addedMs: number;
  delivered: number;
  expected: number;
}

/** A loopback receiver: answers the validation handshake, counts notifications. */
class CountingReceiver {
  notifications = 0;
  private waiters: (() => void)[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const token = new URL(req.url ?? "/", "http://localhost").searchParams.get("validationToken");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (token !== null) {
          res.writeHead(200, { "content-type": "text/plain" }).end(token);
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { value?: unknown[] };
        res.writeHead(202).end();
        this.count(body.value?.length ?? 0);
      });
    });
  }

  static async start(): Promise<CountingReceiver> {
    const receiver = new CountingReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  url(n: number): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify/${n}`;
  }

  private count(n: number): void {
    this.notifications += n;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `total` notifications have arrived; rejects after `timeoutMs`. */
  async until(total: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.notifications < total) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`notifications: ${this.notifications} of ${total} arrived within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function measureNotificationCost(
  s: Small,
  opts: { subscriptions: number; samples: number; rounds: number; log: (line: string) => void },
): Promise<NotificationCost> {
  const headers = { ...(await s.adeleHeaders()), "content-type": "application/json" };
  const receiver = await CountingReceiver.start();
  const warmup = 20;
  const perRound = Math.max(10, Math.round(opts.samples / opts.rounds));
  const probeWrites = () =>
    probeInWorker({
      url: `${s.base}/v1.0/me/events`,
      method: "POST",
      headers,
      body: JSON.stringify({ subject: "bench event", start: { dateTime: "2025-05-06T10:00:00", timeZone: "UTC" }, end: { dateTime: "2025-05-06T10:30:00", timeZone: "UTC" } }),
      count: perRound,
      warmup,
      expectStatus: 201,
      cleanupBase: `${s.base}/v1.0/me/events`,
    });
  // Graph refuses a second subscription of one caller to the same resource and change types:
  // the same mailbox named five ways, each with two sets of change types that both include created and deleted.
  const me = JSON.parse((await s.call(`${s.base}/v1.0/me`, { headers })).body) as { id: string; userPrincipalName: string };
  const resources = ["me/events", "me/calendar/events", `users/${me.id}/events`, `users/${me.userPrincipalName}/events`, `users/${me.id}/calendar/events`];
  const changeTypes = ["created,deleted", "created,updated,deleted"];
  if (opts.subscriptions > resources.length * changeTypes.length) throw new Error(`at most ${resources.length * changeTypes.length} subscriptions`);
  const subscribe = async (): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < opts.subscriptions; i++) {
      const reply = await s.call(`${s.base}/v1.0/subscriptions`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          changeType: changeTypes[Math.floor(i / resources.length)],
          notificationUrl: receiver.url(i),
          resource: resources[i % resources.length],
          expirationDateTime: new Date(Date.now() + 24 * 3600_000).toISOString(),
          clientState: `bench-${i}`,
        }),
      });
      if (reply.status !== 201) throw new Error(`POST /subscriptions: ${reply.status} ${reply.body.slice(0, 300)}`);
      ids.push((JSON.parse(reply.body) as { id: string }).id);
    }
    return ids;
  };
  const unsubscribe = async (ids: string[]) => {
    for (const id of ids) {
      const reply = await s.call(`${s.base}/v1.0/subscriptions/${id}`, { method: "DELETE", headers });
      if (reply.status !== 204) throw new Error(`DELETE /subscriptions/${id}: ${reply.status} ${reply.body.slice(0, 300)}`);
    }
  };

  const without: number[] = [];
  const withSubs: number[] = [];
  let expected = 0;
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const subscribed of round % 2 === 0 ? [false, true] : [true, false]) {
        if (!subscribed) {
          without.push(...(await probeWrites()).times);
          continue;
        }
        const ids = await subscribe();
        // Each write (warm-up included) is a create and its clean-up a delete: two notifications per subscription.
        expected += 2 * (warmup + perRound) * ids.length;
        withSubs.push(...(await probeWrites()).times);
        await receiver.until(expected, 30_000);
        await unsubscribe(ids);
      }
    }
  } finally {
    await receiver.close();
  }
  const summary = (times: number[]) => summarize({ times, wallMs: times.reduce((a, b) => a + b, 0) });
  const result: NotificationCost = {
    subscriptions: opts.subscriptions,
    without: summary(without),
    with: summary(withSubs),
    addedMs: 0,
    delivered: receiver.notifications,
    expected,
  };
  result.addedMs = result.with.median - result.without.median;
  opts.log(`  no subscription        median ${result.without.median.toFixed(2)} ms  p99 ${result.without.p99.toFixed(2)} ms  (${result.without.count} writes)`);
  opts.log(`  ${opts.subscriptions} subscriptions       median ${result.with.median.toFixed(2)} ms  p99 ${result.with.p99.toFixed(2)} ms  (${result.with.count} writes, ${result.delivered} of ${result.expected} notifications delivered)`);
  opts.log(`  => delivery adds ${result.addedMs.toFixed(2)} ms to the write's median latency`);
  return result;
}
