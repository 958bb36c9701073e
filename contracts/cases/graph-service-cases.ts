import { appToken, graph, testUser } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const USERS = "Graph: users";
const SERVICE = "Graph: service faults";

/** An app token of a new app of its own (a throttled app stays throttled until Retry-After has passed, as in Graph). */
async function ownAppToken(t: ContractTarget): Promise<{ appId: string; token: string }> {
  const app = await t.admin!.createApplication(t.tenantId, { displayName: "Contract fault target", applicationPermissions: ["User.Read.All"], adminConsent: true });
  const res = await fetch(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, client_secret: app.clientSecret!, scope: "https://graph.microsoft.com/.default" }),
  });
  return { appId: app.appId, token: ((await res.json()) as { access_token: string }).access_token };
}

/** A Graph fault for one new app of the case's tenant, fired once, then the request that meets it. */
async function withFault(t: ContractTarget, fault: "throttled" | "service_unavailable" | "gateway_timeout") {
  const { appId, token } = await ownAppToken(t);
  const rule = await t.admin!.addFault({ fault, match: { area: "graph", tenant: t.tenantId, clientId: appId }, times: 1 });
  try {
    return await graph(t, "GET", "/users?$top=1", { token });
  } finally {
    await t.admin!.removeFault(rule.id).catch(() => undefined);
  }
}

/** Graph error paths of the users API, of permissions and of the service itself. */
export const GRAPH_SERVICE_CASES: ErrorCase[] = [
  {
    id: "users-403-request-denied",
    wire: "graph", area: USERS,
    title: "creating a user without User.ReadWrite.All",
    status: 403, code: "Authorization_RequestDenied",
    message: /^Insufficient privileges to complete the operation\.$/,
    run: async (t) => graph(t, "POST", "/users", { token: await appToken(t), body: { displayName: "Never made", accountEnabled: true, mailNickname: "nevermade", userPrincipalName: `nevermade@${(await testUser(t)).userPrincipalName.split("@")[1]}`, passwordProfile: { password: "Xy9!kq2#Lm4$" } } }),
  },
  {
    id: "users-401-identity-not-found",
    wire: "graph", area: USERS,
    title: "a cached app token after its service principal was deleted",
    status: 401, code: "Authorization_IdentityNotFound",
    message: /^The identity of the calling application could not be established\.$/,
    needsControlPlane: true,
    run: async (t) => {
      const { appId, token } = await ownAppToken(t);
      await t.admin!.deleteServicePrincipal(t.tenantId, appId);
      return graph(t, "GET", "/users?$top=1", { token });
    },
  },
  {
    id: "users-400-unsupported-query",
    wire: "graph", area: USERS, source: "As quoted in several Graph client projects (Request_UnsupportedQuery above 999)",
    title: "$top over 999",
    status: 400, code: "Request_UnsupportedQuery",
    message: /^Invalid page size specified: '1000'\. Must be between 1 and 999 inclusive\.$/,
    run: async (t) => graph(t, "GET", "/users?$top=1000", { token: await appToken(t) }),
  },
  {
    id: "users-400-skip",
    wire: "graph", area: USERS, source: "msgraph-metadata#135",
    title: "$skip on users",
    status: 400, code: "Request_BadRequest",
    message: /^'\$skip' is not supported by the service\.$/,
    run: async (t) => graph(t, "GET", "/users?$skip=5", { token: await appToken(t) }),
  },
  {
    id: "users-501-select-single",
    wire: "graph", area: USERS, source: "user-list.md (a 501; the code and wording are the emulator's own)",
    title: "listing users with $select of a single-user property",
    status: 501, code: "NotImplemented",
    message: /^The property 'aboutMe' can only be selected when getting a single user, not when listing users\.$/,
    notLive: "Graph's 501 body for this is not documented; the wording is the emulator's own",
    run: async (t) => graph(t, "GET", "/users?$select=aboutMe", { token: await appToken(t) }),
  },
  {
    id: "graph-413-body-too-large",
    wire: "graph", area: SERVICE,
    title: "a request body over 4 MiB",
    status: 413, code: "RequestEntityTooLarge",
    message: /^The request body is too large\.$/,
    notLive: "Graph's body limit and answer vary by workload; this is the emulator's 4 MiB limit",
    run: async (t) => {
      const path = `/users/${(await testUser(t)).id}`;
      const token = await appToken(t);
      const body = JSON.stringify({ aboutMe: "x".repeat(4 * 1024 * 1024 + 10) });
      // The emulator answers before reading the body and closes the connection; a client still
      // sending may see the reset instead of the answer, so the request is tried up to three times.
      for (let attempt = 1; ; attempt++) {
        try {
          return await graph(t, "PATCH", path, { token, body });
        } catch (err) {
          if (attempt === 3) throw err;
        }
      }
    },
  },
  {
    id: "graph-429-throttled",
    wire: "graph", area: SERVICE, source: "Graph throttling guidance (throttling.md): 429 TooManyRequests with Retry-After",
    title: "throttled",
    status: 429, code: "TooManyRequests",
    message: /^Please retry again later\.$/,
    needsControlPlane: true,
    run: (t) => withFault(t, "throttled"),
  },
  {
    id: "graph-503-unavailable",
    wire: "graph", area: SERVICE, source: "Graph errors.md (503 Service Unavailable)",
    title: "the service is unavailable",
    status: 503, code: "serviceNotAvailable",
    message: /^Service Unavailable$/,
    needsControlPlane: true,
    run: (t) => withFault(t, "service_unavailable"),
  },
  {
    id: "graph-504-gateway-timeout",
    wire: "graph", area: SERVICE, source: "Graph errors.md (504 Gateway Timeout)",
    title: "the gateway timed out",
    status: 504, code: "gatewayTimeout",
    message: /^The server, while acting as a proxy, did not receive a timely response/,
    needsControlPlane: true,
    run: (t) => withFault(t, "gateway_timeout"),
  },
];
