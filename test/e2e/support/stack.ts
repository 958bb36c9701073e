import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";

export { CONTOSO };

/** A free TCP port on loopback (the sample's redirect URI must name its port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface SampleApp {
  url: string;
  clientId: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * Registers an app for the sample in the tenant and starts examples/sample-app
 * as its own Node process, the way a developer runs it: NODE_EXTRA_CA_CERTS
 * names the emulator's CA, the rest is environment variables.
 */
export async function startSampleApp(
  emu: TestEmulator,
  options: { tenantId?: string; scopes?: string[]; delegatedPermissions?: string[] } = {},
): Promise<SampleApp> {
  const tenantId = options.tenantId ?? CONTOSO.id;
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const app = await emu.admin.createApplication(tenantId, {
    displayName: "Contoso Portal sample",
    redirectUris: [`${url}/auth/callback`],
    delegatedPermissions: options.delegatedPermissions ?? ["User.Read", "Calendars.Read"],
  });
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(process.cwd(), "examples", "sample-app", "main.ts")], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: emu.caFile,
      EMULATOR_URL: emu.baseUrl,
      TENANT_ID: tenantId,
      CLIENT_ID: app.appId,
      CLIENT_SECRET: app.clientSecret ?? "",
      SCOPES: (options.scopes ?? ["User.Read", "Calendars.Read"]).join(" "),
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The sample app did not start:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The sample app exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    clientId: app.appId,
    output: () => output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Puts an event in the user's calendar tomorrow, through Graph with the fixture daemon's app token. */
export async function addEventTomorrow(emu: TestEmulator, userId: string, subject: string): Promise<boolean> {
  const token = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: CONTOSO.daemon.clientId,
      client_secret: CONTOSO.daemon.secret,
      scope: "https://graph.microsoft.com/.default",
    }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const start = new Date(Date.now() + 86_400_000);
  start.setUTCHours(15, 0, 0, 0);
  const end = new Date(start.getTime() + 30 * 60_000);
  const local = (d: Date) => d.toISOString().slice(0, 19);
  const res = await fetch(`${emu.graphBaseUrl}/users/${userId}/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
    body: JSON.stringify({
      subject,
      start: { dateTime: local(start), timeZone: "UTC" },
      end: { dateTime: local(end), timeZone: "UTC" },
      location: { displayName: "Conf Room Baker" },
    }),
  });
  return res.status === 201;
}

export { startTestEmulator, type TestEmulator };
