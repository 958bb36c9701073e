import { request } from "node:https";

export interface JsonResponse<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/**
 * One JSON request over HTTPS, trusting the given CA. Written on node:https
 * because it takes a CA per request, which global fetch does not.
 */
export function httpsJson<T>(
  method: string,
  url: string,
  ca: string,
  body?: unknown,
  headers: Record<string, string> = {},
  options: { rawBody?: string; timeoutMs?: number } = {},
): Promise<JsonResponse<T>> {
  return new Promise((resolve, reject) => {
    // A JSON body is serialized here; `rawBody` is sent as it is (with the caller's content type).
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const typed = options.rawBody === undefined && payload !== undefined;
    const req = request(
      url,
      {
        method,
        ca,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          ...headers,
          ...(typed ? { "content-type": "application/json" } : {}),
          ...(payload === undefined ? {} : { "content-length": String(Buffer.byteLength(payload)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: parsed as T });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`Request to ${url} timed out`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
