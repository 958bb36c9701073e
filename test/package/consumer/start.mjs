// (a) A consumer's plain Node script: import the package (no tsx), start in memory, call Graph.
import { existsSync } from "node:fs";
import { startEmulator } from "graph-emulator";
import { createMicrosoftFunctions } from "graph-emulator/client";

const emu = await startEmulator({ port: 0, inMemory: true, quiet: true });
const health = await emu.fetch("/_emulator/health");
const tenant = await emu.admin.createTenant();
const daemon = tenant.applications.find((a) => a.displayName === "Contoso Calendar Daemon");
const microsoft = createMicrosoftFunctions(
  { tenantId: tenant.id, appTenantId: tenant.id, clientId: daemon.appId, clientSecret: daemon.clientSecret, redirectUri: "http://localhost:3000/cb", authorityHost: emu.baseUrl, graphBaseUrl: emu.graphBaseUrl, caCertificate: emu.caCert },
);
const adele = await microsoft.users.getUser({ userId: `AdeleV@${tenant.defaultDomain}` });
await emu.close();
console.log(JSON.stringify({ health: health.status, adele: adele.ok ? adele.data.displayName : adele.error, caFile: emu.caFile ?? null, wroteDataDir: existsSync(".graph-emulator") }));
