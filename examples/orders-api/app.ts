import express, { type Express } from "express";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { bearerAuth, callerOf, requireRole, requireScope } from "./auth.ts";
import type { OrdersApiConfig } from "./config.ts";

const ORDERS = [
  { id: "1001", item: "Standing desk", status: "pending" },
  { id: "1002", item: "Monitor arm", status: "approved" },
];

/**
 * Contoso Orders API: validates the caller's token for this API (scopes for
 * delegated calls, app roles for approvals and daemons) and calls Microsoft
 * Graph on behalf of the signed-in user with msal-node's on-behalf-of flow.
 */
export function ordersApi(config: OrdersApiConfig): Express {
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: `${config.authorityHost}/${config.tenantId}`,
      knownAuthorities: [new URL(config.authorityHost).host],
    },
  });
  const app = express();
  const auth = bearerAuth(config);

  app.get("/orders", auth, requireScope("Orders.Read"), (_req, res) => {
    res.json({ caller: callerOf(res).claims.name ?? null, orders: ORDERS });
  });

  app.post("/orders/:id/approve", auth, requireScope("Orders.Read"), requireRole("Orders.Approver"), (req, res) => {
    const order = ORDERS.find((o) => o.id === req.params.id);
    if (!order) return void res.status(404).json({ error: "no such order" });
    res.json({ ...order, status: "approved", approvedBy: callerOf(res).claims.oid });
  });

  // A daemon (client credentials) syncing orders: an app-only token with the Orders.Sync role and no scp.
  app.get("/sync", auth, requireRole("Orders.Sync"), (_req, res) => {
    const { claims } = callerOf(res);
    if (claims.scp) return void res.status(403).json({ error: "app-only tokens only" });
    res.json({ synced: ORDERS.length, by: claims.azp });
  });

  // On behalf of the caller: trade their token for a Graph token for the same user, then call /me.
  app.get("/me", auth, requireScope("Orders.Read"), async (_req, res) => {
    try {
      const result = await msal.acquireTokenOnBehalfOf({ oboAssertion: callerOf(res).token, scopes: ["https://graph.microsoft.com/User.Read"] });
      const me = await fetch(`${config.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${result?.accessToken}` } });
      const body = (await me.json()) as { displayName?: string; userPrincipalName?: string };
      res.status(me.status).json({ displayName: body.displayName, userPrincipalName: body.userPrincipalName });
    } catch (err) {
      const e = err as { errorCode?: string; errorMessage?: string; message: string };
      res.status(502).json({ error: e.errorCode ?? "obo_failed", message: e.errorMessage ?? e.message });
    }
  });
  return app;
}
