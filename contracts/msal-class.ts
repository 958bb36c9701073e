import { ConfidentialClientApplication } from "@azure/msal-node";
import type { ErrorCase } from "./cases/types.ts";

const TENANT = "00000000-0000-0000-0000-00000000c0de";
const HOST = "https://login.microsoftonline.com";
/** Enough OpenID metadata for MSAL to build its authority without asking the network. */
const METADATA = JSON.stringify({
  token_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/token`,
  authorization_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/authorize`,
  end_session_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/logout`,
  jwks_uri: `${HOST}/${TENANT}/discovery/v2.0/keys`,
  issuer: `${HOST}/${TENANT}/v2.0`,
  response_modes_supported: ["query"],
  response_types_supported: ["code"],
  scopes_supported: ["openid"],
  token_endpoint_auth_methods_supported: ["client_secret_post"],
  id_token_signing_alg_values_supported: ["RS256"],
  subject_types_supported: ["pairwise"],
});

/**
 * The error class real MSAL (msal-node) raises for a token endpoint answer:
 * the answer is handed to MSAL through its network client, so the
 * classification (InteractionRequiredAuthError or ServerError) is MSAL's own.
 */
export async function msalErrorClass(status: number, body: Record<string, unknown>): Promise<string> {
  const app = new ConfidentialClientApplication({
    auth: { clientId: "00000000-0000-0000-0000-0000000c11e7", clientSecret: "unused", authority: `${HOST}/${TENANT}`, knownAuthorities: ["login.microsoftonline.com"], authorityMetadata: METADATA },
    system: {
      networkClient: {
        sendGetRequestAsync: () => Promise.reject(new Error("MSAL asked the network for more than the token request")),
        sendPostRequestAsync: async () => ({ headers: {}, body: body as never, status }),
      },
    },
  });
  try {
    await app.acquireTokenByRefreshToken({ refreshToken: "unused", scopes: ["User.Read"] });
    return "no error";
  } catch (err) {
    return (err as Error).constructor.name;
  }
}

/** The token endpoint answer a JSON Entra case describes, as far as MSAL reads it. */
export function declaredBody(c: ErrorCase): Record<string, unknown> {
  return {
    error: c.code,
    error_description: `AADSTS${c.aadsts}: ${c.title}`,
    error_codes: [c.aadsts],
    ...(c.suberror ? { suberror: c.suberror } : {}),
  };
}

/** What a client sees of a case's error: MSAL's class, the redirect's `error`, Entra's page, or the Graph SDK's GraphError. */
export async function clientSees(c: ErrorCase): Promise<string> {
  if (c.wire === "graph") return `Graph SDK GraphError (statusCode ${c.status}, code ${c.code})`;
  if (c.shape === "page") return "Entra's error page; the app is never called";
  if (c.shape === "redirect") return `the app's redirect URI with error=${c.code}`;
  return `MSAL ${await msalErrorClass(c.status, declaredBody(c))}`;
}
