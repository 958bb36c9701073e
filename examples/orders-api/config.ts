/** Settings from the environment, as a deployed API would read them. */
export interface OrdersApiConfig {
  /** Where Entra is: https://login.microsoftonline.com, or the emulator's URL. */
  authorityHost: string;
  tenantId: string;
  /** The API's own app registration (its appId is the audience of v2 tokens). */
  clientId: string;
  clientSecret: string;
  graphBaseUrl: string;
  port: number;
  host: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): OrdersApiConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Set ${name} (see examples/orders-api/README.md).`);
    return value;
  };
  const authorityHost = (env.AUTHORITY_HOST ?? env.EMULATOR_URL ?? "https://localhost:8443").replace(/\/+$/, "");
  return {
    authorityHost,
    tenantId: required("TENANT_ID"),
    clientId: required("API_CLIENT_ID"),
    clientSecret: required("API_CLIENT_SECRET"),
    graphBaseUrl: (env.GRAPH_BASE_URL ?? `${authorityHost}/v1.0`).replace(/\/+$/, ""),
    port: Number(env.PORT ?? 4100),
    host: env.HOST ?? "127.0.0.1",
  };
}
