import { httpsJson } from "../admin/https-json.ts";

/** Hosts of Microsoft's identity platform that MSAL may call; all are sent to the emulator. */
const MICROSOFT_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
  "graph.microsoft.com",
]);

/** Rewrites a Microsoft URL to the same path on the emulator; other URLs pass unchanged. */
export function rewriteToEmulator(url: string, emulatorBaseUrl: string): string {
  const u = new URL(url);
  if (!MICROSOFT_HOSTS.has(u.hostname.toLowerCase())) return url;
  const target = new URL(emulatorBaseUrl);
  u.protocol = target.protocol;
  u.host = target.host;
  return u.toString();
}

/** Structurally MSAL's INetworkModule, so this file needs no MSAL import. */
export interface EmulatorNetworkModule {
  sendGetRequestAsync<T>(url: string, options?: { headers?: Record<string, string>; body?: string }, timeout?: number): Promise<{ headers: Record<string, string>; body: T; status: number }>;
  sendPostRequestAsync<T>(url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<{ headers: Record<string, string>; body: T; status: number }>;
}

/**
 * An MSAL `system.networkClient` that keeps the real `https://login.microsoftonline.com`
 * authority while sending every call to the emulator, trusting its CA. MSAL then
 * uses its built-in metadata for Microsoft's host and makes no discovery calls.
 * Built on httpsJson (node:https), which takes a CA per request, as global fetch does not.
 */
export function emulatorNetworkClient(options: { baseUrl: string; caCert: string; timeoutMs?: number }): EmulatorNetworkModule {
  const send = async <T>(method: "GET" | "POST", url: string, opts: { headers?: Record<string, string>; body?: string } = {}, timeout?: number) => {
    const res = await httpsJson<T>(method, rewriteToEmulator(url, options.baseUrl), options.caCert, undefined, opts.headers ?? {}, {
      rawBody: opts.body,
      timeoutMs: timeout ?? options.timeoutMs,
    });
    // MSAL reads every answer, errors included, as JSON.
    if (typeof res.body === "string") throw new Error(`Non-JSON response (${res.status}) from ${url}`);
    return { headers: res.headers, body: (res.body ?? {}) as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, opts, timeout) => send("GET", url, opts, timeout),
    sendPostRequestAsync: (url, opts) => send("POST", url, opts),
  };
}
