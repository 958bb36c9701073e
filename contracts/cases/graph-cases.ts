import { randomUUID } from "node:crypto";
import { appToken, get, userAccessToken } from "../http.ts";
import type { ErrorCase } from "./types.ts";

/** Microsoft Graph error paths that any caller can reach. */
export const GRAPH_CASES: ErrorCase[] = [
  {
    id: "graph-401-empty",
    wire: "graph",
    title: "no access token",
    status: 401, code: "InvalidAuthenticationToken",
    message: /^Access token is empty\.$/,
    run: (t) => get(`${t.graphBaseUrl}/me`),
  },
  {
    id: "graph-401-malformed",
    wire: "graph",
    title: "a token that is not a JWT",
    status: 401, code: "InvalidAuthenticationToken",
    message: /^IDX14100: JWT is not well formed/,
    run: (t) => get(`${t.graphBaseUrl}/me`, { authorization: "Bearer not-a-token" }),
  },
  {
    id: "graph-401-forged",
    wire: "graph",
    title: "a token whose signature is not the issuer's",
    status: 401, code: "InvalidAuthenticationToken",
    message: /^Access token validation failure\.|signature/i,
    run: async (t) => {
      const { accessToken } = await userAccessToken(t);
      const [h, p] = accessToken.split(".");
      return get(`${t.graphBaseUrl}/me`, { authorization: `Bearer ${h}.${p}.${Buffer.from("forged").toString("base64url")}` });
    },
  },
  {
    id: "graph-400-me-app-only",
    wire: "graph",
    title: "/me with an app-only token",
    status: 400, code: "BadRequest",
    message: /^\/me request is only valid with delegated authentication flow\.$/,
    run: async (t) => get(`${t.graphBaseUrl}/me`, { authorization: `Bearer ${await appToken(t)}` }),
  },
  {
    id: "graph-404-user",
    wire: "graph",
    title: "an unknown user id",
    status: 404, code: "Request_ResourceNotFound",
    message: /^Resource '[0-9a-f-]{36}' does not exist or one of its queried reference-property objects are not present\.$/,
    run: async (t) => get(`${t.graphBaseUrl}/users/${randomUUID()}`, { authorization: `Bearer ${await appToken(t)}` }),
  },
];
