import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { AdminClient } from "../emulator/src/index.ts";

/**
 * Where a contract suite runs: the emulator (default) or live Microsoft. Suites
 * use only this, raw HTTP and the public client: never emulator internals.
 */
export interface ContractTarget {
  kind: "emulator" | "live";
  /** https://login.microsoftonline.com, or the emulator's base URL. */
  authorityHost: string;
  /** https://graph.microsoft.com/v1.0, or the emulator's. */
  graphBaseUrl: string;
  tenantId: string;
  /** A well-formed tenant id that does not exist. */
  unknownTenantId: string;
  /** A single-tenant confidential app with delegated User.Read and application User.Read.All and Calendars.ReadWrite, admin-consented. */
  app: { clientId: string; clientSecret: string };
  /** A refresh token of a test user for `app`, with User.Read and offline_access. */
  userRefreshToken(): Promise<string>;
  /** Present only on the emulator: the control plane, for causes that need state changes. */
  admin?: AdminClient;
  /** Present only on the emulator: the test user's sign-in, for flows that need a scripted sign-in page. */
  signInAs?: { userPrincipalName: string; password: string };
}

/** What a live run needs, and what each variable is for. */
export const LIVE_VARIABLES = {
  GRAPH_LIVE_TENANT_ID: "the test tenant's GUID",
  GRAPH_LIVE_CLIENT_ID:
    "a single-tenant confidential app registered there, redirect URI http://localhost/callback, delegated User.Read and application User.Read.All and Calendars.ReadWrite, admin-consented",
  GRAPH_LIVE_CLIENT_SECRET: "that app's client secret",
  GRAPH_LIVE_REFRESH_TOKEN: "a test user's refresh token for that app (scopes User.Read offline_access)",
  GRAPH_LIVE_UNKNOWN_TENANT_ID: "optional: a GUID that is no tenant (default: a random one)",
  GRAPH_LIVE_AUTHORITY_HOST: "optional: the authority (default https://login.microsoftonline.com; the fake run points it at an emulator)",
  GRAPH_LIVE_GRAPH_BASE_URL: "optional: Graph's base URL (default https://graph.microsoft.com/v1.0)",
} as const;

const OPTIONAL = new Set(["GRAPH_LIVE_UNKNOWN_TENANT_ID", "GRAPH_LIVE_AUTHORITY_HOST", "GRAPH_LIVE_GRAPH_BASE_URL"]);

export function missingLiveVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(LIVE_VARIABLES).filter((k) => !OPTIONAL.has(k) && !env[k]);
}

/** The live target the GRAPH_LIVE_* variables describe: Microsoft, or whatever the optional URLs point at. */
export function liveTarget(env: NodeJS.ProcessEnv): ContractTarget {
  const missing = missingLiveVariables(env);
  if (missing.length > 0) {
    throw new Error(
      `Live contracts need these environment variables:\n${missing.map((k) => `  ${k}: ${LIVE_VARIABLES[k as keyof typeof LIVE_VARIABLES]}`).join("\n")}`,
    );
  }
  return {
    kind: "live",
    authorityHost: (env.GRAPH_LIVE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, ""),
    graphBaseUrl: (env.GRAPH_LIVE_GRAPH_BASE_URL ?? "https://graph.microsoft.com/v1.0").replace(/\/+$/, ""),
    tenantId: env.GRAPH_LIVE_TENANT_ID as string,
    unknownTenantId: env.GRAPH_LIVE_UNKNOWN_TENANT_ID ?? randomUUID(),
    app: { clientId: env.GRAPH_LIVE_CLIENT_ID as string, clientSecret: env.GRAPH_LIVE_CLIENT_SECRET as string },
    userRefreshToken: async () => env.GRAPH_LIVE_REFRESH_TOKEN as string,
  };
}

/** The emulator target: the run's shared emulator, in a tenant of this suite's own. */
async function emulatorTarget(env: NodeJS.ProcessEnv): Promise<ContractTarget> {
  const baseUrl = env.GRAPH_EMULATOR_URL;
  const caFile = env.GRAPH_EMULATOR_CA_FILE;
  if (!baseUrl || !caFile) throw new Error("No emulator: run through vitest, whose global setup starts one (GRAPH_EMULATOR_URL)");
  const admin = new AdminClient(baseUrl, readFileSync(caFile, "utf8"));
  const tenant = await admin.createTenant({ displayName: "Contracts" });
  const user = tenant.users.find((u) => u.displayName === "Adele Vance");
  const app = await admin.createApplication(tenant.id, {
    displayName: "Contract app",
    redirectUris: ["http://localhost/callback"],
    delegatedPermissions: ["User.Read"],
    applicationPermissions: ["User.Read.All", "Calendars.ReadWrite"],
    adminConsent: true,
  });
  const clientSecret = app.clientSecret as string;
  return {
    kind: "emulator",
    authorityHost: baseUrl,
    graphBaseUrl: `${baseUrl}/v1.0`,
    tenantId: tenant.id,
    unknownTenantId: randomUUID(),
    app: { clientId: app.appId, clientSecret },
    admin,
    signInAs: { userPrincipalName: user!.userPrincipalName, password: "Passw0rd!" },
    async userRefreshToken() {
      // On the emulator the test user signs in with the password grant; live runs are given a refresh token.
      const res = await fetch(`${baseUrl}/${tenant.id}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "password", client_id: app.appId, client_secret: clientSecret, username: user!.userPrincipalName, password: "Passw0rd!", scope: "User.Read offline_access" }),
      });
      return ((await res.json()) as { refresh_token: string }).refresh_token;
    },
  };
}

export function resolveTarget(env: NodeJS.ProcessEnv = process.env): Promise<ContractTarget> {
  return env.GRAPH_CONTRACT_TARGET === "live" ? Promise.resolve(liveTarget(env)) : emulatorTarget(env);
}
