import { request } from "node:https";

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
 * Written on node:https because it takes a CA per request, which global fetch does not.
 */
export function emulatorNetworkClient(options: { baseUrl: string; caCert: string; timeoutMs?: number }): EmulatorNetworkModule {
  const send = <T>(method: "GET" | "POST", url: string, opts: { headers?: Record<string, string>; body?: string } = {}, timeout?: number) =>
    new Promise<{ headers: Record<string, string>; body: T; status: number }>((resolve, reject) => {
      const req = request(
        rewriteToEmulator(url, options.baseUrl),
        { method, headers: opts.headers ?? {}, ca: options.caCert, timeout: timeout ?? options.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
            try {
              resolve({ headers, body: (text ? JSON.parse(text) : {}) as T, status: res.statusCode ?? 0 });
            } catch {
              reject(new Error(`Non-JSON response (${res.statusCode}) from ${url}`));
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`Request to ${url} timed out`)));
      req.on("error", reject);
      if (opts.body !== undefined) req.write(opts.body);
      req.end();
    });
  return {
    sendGetRequestAsync: (url, opts, timeout) => send("GET", url, opts, timeout),
    sendPostRequestAsync: (url, opts) => send("POST", url, opts),
  };
}
