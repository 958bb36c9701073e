import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { appToken, graph, testUser, type WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const AREA = "Graph: change notifications";

/** A subscription body to the test user's events, an hour long, with `extra` over it. */
async function subscription(t: ContractTarget, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    changeType: "created,updated",
    notificationUrl: "https://127.0.0.1:9/hook",
    resource: `users/${(await testUser(t)).id}/events`,
    expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    clientState: "contract",
    ...extra,
  };
}

const create = (extra: (t: ContractTarget) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({})) => async (t: ContractTarget) =>
  graph(t, "POST", "/subscriptions", { token: await appToken(t), body: await subscription(t, await extra(t)) });

/** Runs `fn` with a receiver on 127.0.0.1 that answers validation handshakes (and 202 to anything else). */
async function withReceiver(fn: (url: string) => Promise<WireResponse>): Promise<WireResponse> {
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    req.resume();
    req.on("end", () => (token === null ? res.writeHead(202).end() : res.writeHead(200, { "content-type": "text/plain" }).end(token)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** /subscriptions: refusals of a subscription's body and resource, the handshake, duplicates and unknown ids. */
export const SUBSCRIPTION_CASES: ErrorCase[] = [
  {
    id: "subscriptions-400-change-type",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#4819 (Invalid 'changeType' attribute, 2019)",
    title: "a changeType that is not created, updated or deleted",
    status: 400, code: "InvalidRequest",
    message: /^Invalid 'changeType' attribute: 'moved'\.$/,
    run: create(() => ({ changeType: "created,moved" })),
  },
  {
    id: "subscriptions-400-expiration-too-far",
    wire: "graph", area: AREA, source: "microsoft-graph-docs#2988 (the message with 4230); live Graph's 10070 for Outlook resources as quoted in clients' sources",
    title: "an event subscription expiring more than 10,070 minutes ahead",
    status: 400, code: "ExtensionError",
    message: /^Subscription expiration can only be 10070 minutes in the future\.$/,
    run: create(() => ({ expirationDateTime: new Date(Date.now() + 10_080 * 60_000).toISOString() })),
  },
  {
    id: "subscriptions-404-user-invalid",
    wire: "graph", area: AREA, source: "microsoft-graph-docs-contrib#3201 (Outlook's answer for a mailbox that does not exist)",
    title: "a subscription to the events of a user that does not exist",
    status: 404, code: "ExtensionError",
    message: /^Operation: Create; Exception: \[Status Code: NotFound; Reason: The requested user '[^']+' is invalid\.\]$/,
    run: create(() => ({ resource: `users/nobody-${randomUUID().slice(0, 8)}@contoso.onmicrosoft.com/events` })),
  },
  {
    id: "subscriptions-400-validation-failed",
    wire: "graph", area: AREA, source: "splunk/azure-functions-splunk#26 (the receiver could not be reached)",
    notLive: "the receiver is on the caller's loopback, which Graph cannot reach",
    title: "a notificationUrl whose receiver cannot be reached for the validation handshake",
    status: 400, code: "ValidationError",
    message: /^Subscription validation request failed\. Notification endpoint must respond with 200 OK to validation request\.$/,
    run: create(),
  },
  {
    id: "subscriptions-409-duplicate",
    wire: "graph", area: AREA, source: "api/subscription-post-subscriptions.md (duplicate subscriptions); ObjectIdentifierInUse as quoted in abraunegg/onedrive's source",
    notLive: "needs a receiver Graph can reach for the validation handshake",
    title: "a second subscription of the same app to the same resource and change types",
    status: 409, code: "ObjectIdentifierInUse",
    message: /^Subscription Id [0-9a-f-]{36} already exists for the requested combination$/,
    run: (t) =>
      withReceiver(async (url) => {
        const token = await appToken(t);
        const body = await subscription(t, { notificationUrl: url, changeType: "deleted" });
        const first = await graph(t, "POST", "/subscriptions", { token, body });
        if (first.status !== 201) return first;
        try {
          return await graph(t, "POST", "/subscriptions", { token, body });
        } finally {
          await graph(t, "DELETE", `/subscriptions/${first.body.id as string}`, { token });
        }
      }),
  },
  {
    id: "subscriptions-404-not-found",
    wire: "graph", area: AREA, source: "msgraph-sdk-php#221, microsoft-graph-docs#5725 (a subscription that does not exist)",
    title: "a subscription id that names no subscription",
    status: 404, code: "ResourceNotFound",
    message: /^The object was not found\.$/,
    run: async (t) => graph(t, "GET", `/subscriptions/${randomUUID()}`, { token: await appToken(t) }),
  },
];
