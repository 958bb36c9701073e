/**
 * The sample app's settings, from the environment. The defaults sign in to
 * the emulator's bundled Contoso tenant as the "Contoso Web Portal" app, whose
 * registered redirect URI is http://localhost:3000/auth/callback.
 */
export interface SampleConfig {
  /** The emulator's base URL, e.g. https://localhost:8443. */
  emulatorUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Delegated Graph permissions to ask for. */
  scopes: string[];
  /** Where this app listens. */
  host: string;
  port: number;
  /** This app's own URL as the browser sees it; the redirect URI is `${appUrl}/auth/callback`. */
  appUrl: string | undefined;
}

export const CONTOSO_DEFAULTS = {
  tenantId: "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50",
  clientId: "3f6a1c2e-8b4d-4e7f-9a1b-2c3d4e5f6a71",
  clientSecret: "contoso-web-portal-secret-value",
} as const;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not '${env.PORT}'`);
  return {
    emulatorUrl: (env.EMULATOR_URL ?? "https://localhost:8443").replace(/\/+$/, ""),
    tenantId: env.TENANT_ID ?? CONTOSO_DEFAULTS.tenantId,
    clientId: env.CLIENT_ID ?? CONTOSO_DEFAULTS.clientId,
    clientSecret: env.CLIENT_SECRET ?? CONTOSO_DEFAULTS.clientSecret,
    scopes: (env.SCOPES ?? "User.Read Calendars.Read").split(/[\s,]+/).filter(Boolean),
    host: env.HOST ?? "127.0.0.1",
    port,
    appUrl: env.APP_URL?.replace(/\/+$/, ""),
  };
}
