/**
 * Quick start for the Microsoft functions client. The same file runs against
 * Microsoft and against the emulator; only the environment differs:
 *
 *   MS_TENANT_ID, MS_CLIENT_ID, MS_CLIENT_SECRET   the app registration (required)
 *   MS_APP_TENANT_ID                              directory GUID, for application permissions (optional)
 *   MS_REDIRECT_URI                               default http://localhost:3000/auth/callback
 *   MS_AUTHORITY_HOST, MS_GRAPH_BASE_URL, MS_CA_FILE   only to point somewhere other than Microsoft
 *
 * Run: npx tsx client/examples/quickstart.ts, then open http://localhost:3000/login
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createMicrosoftFunctions, LowdbTokenStore, MicrosoftFunctionsError } from "../src/index.ts";

const env = process.env;
const redirectUri = env.MS_REDIRECT_URI ?? "http://localhost:3000/auth/callback";

const microsoft = createMicrosoftFunctions(
  {
    tenantId: env.MS_TENANT_ID ?? "common",
    clientId: env.MS_CLIENT_ID ?? "",
    clientSecret: env.MS_CLIENT_SECRET ?? "",
    redirectUri,
    scopes: ["User.Read", "Calendars.ReadWrite"],
    appTenantId: env.MS_APP_TENANT_ID || undefined,
    ...(env.MS_AUTHORITY_HOST ? { authorityHost: env.MS_AUTHORITY_HOST } : {}),
    ...(env.MS_GRAPH_BASE_URL ? { graphBaseUrl: env.MS_GRAPH_BASE_URL } : {}),
    ...(env.MS_CA_FILE ? { caCertificate: readFileSync(env.MS_CA_FILE, "utf8") } : {}),
  },
  { tokenStore: await LowdbTokenStore.open(".tokens/microsoft-functions.json") },
);

// Keep refresh tokens of users who never come back alive (Entra drops them after 90 idle days).
microsoft.startRenewal({ intervalMs: 12 * 3600_000, onReport: (r) => r.failed.length && console.warn("renewal failures", r.failed) });

// Application permissions: no authUserId.
if (env.MS_APP_TENANT_ID) {
  const users = await microsoft.users.listUsers({ select: ["displayName", "userPrincipalName"], top: 5 });
  console.log(users.ok ? users.data.value : users.error);
}

// Delegated permissions: sign a user in once, then act as them (authUserId).
const port = Number(new URL(redirectUri).port || 80);
createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", redirectUri);
  try {
    if (url.pathname === "/login") {
      const { url: signInUrl } = await microsoft.signIn.getSignInUrl({ userId: url.searchParams.get("user") ?? "demo-user" });
      res.writeHead(302, { location: signInUrl }).end();
    } else if (url.pathname === new URL(redirectUri).pathname) {
      const user = await microsoft.signIn.handleRedirect(url);
      const me = await microsoft.users.getSignedInUser({ authUserId: user.userId });
      const now = new Date();
      const week = await microsoft.calendar.calendarView({
        authUserId: user.userId,
        startDateTime: now.toISOString(),
        endDateTime: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
        select: ["subject", "start", "end"],
        timeZone: "UTC",
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ user, me, week }, null, 2));
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    // RefreshTokenInvalid / ScopeInvalid: send the user through /login again. TenantNotFound: fix the settings.
    const code = err instanceof MicrosoftFunctionsError ? err.code : "Error";
    res.writeHead(code === "TenantNotFound" ? 500 : 401, { "content-type": "application/json" }).end(JSON.stringify({ code, message: String((err as Error).message) }));
  }
}).listen(port, () => console.log(`open http://localhost:${port}/login`));
