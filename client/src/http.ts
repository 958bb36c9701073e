import { Agent, request } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/**
 * The client's HTTP: by default Node's global fetch (which honours
 * NODE_EXTRA_CA_CERTS); with a `caCertificate` setting, a fetch on node:https
 * that trusts Node's roots plus that CA. MSAL gets the same transport.
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  new Headers(headers).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

async function bodyBuffer(body: RequestInit["body"]): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), "utf8");
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
}

/** A fetch over node:https that trusts Node's root CAs plus `caCertificate`. */
export function caFetch(caCertificate: string): FetchLike {
  // One TLS context and one keep-alive agent for every request: passing `ca` per request
  // would rebuild the context per connection and join ~150 root certificates into each
  // request's agent key (a renewal sweep spent most of its CPU there).
  const secureContext = createSecureContext({ ca: [...rootCertificates, caCertificate] });
  const agent = new Agent({ keepAlive: true, secureContext });
  return async (input, init = {}) => {
    const req = input instanceof Request ? input : undefined;
    const url = req ? req.url : String(input);
    const method = (init.method ?? req?.method ?? "GET").toUpperCase();
    const headers = { ...headerRecord(req?.headers), ...headerRecord(init.headers) };
    const body = await bodyBuffer(init.body ?? (req && method !== "GET" && method !== "HEAD" ? await req.arrayBuffer() : undefined));
    if (body) headers["content-length"] = String(body.length);
    const signal = init.signal ?? req?.signal ?? undefined;
    // A kept-alive connection the server closed just as it was reused fails with ECONNRESET
    // before the request reached the server: that request is sent once more on a new connection.
    const attempt = (retry: boolean): Promise<Response> =>
      new Promise<Response>((resolve, reject) => {
        const r = request(url, { method, headers, agent, signal }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
              else if (v !== undefined) h.set(k, v);
            }
            const empty = status === 204 || status === 205 || status === 304 || method === "HEAD";
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? "", headers: h }));
          });
        });
        r.on("error", (err: NodeJS.ErrnoException) => {
          if (retry && r.reusedSocket && err.code === "ECONNRESET") attempt(false).then(resolve, reject);
          else reject(err);
        });
        if (body) r.write(body);
        r.end();
      });
    return attempt(true);
  };
}

/** An MSAL network module on top of a fetch (MSAL wants JSON bodies and plain header records). */
export function fetchNetworkModule(fetchImpl: FetchLike, defaultTimeoutMs = 30_000): INetworkModule {
  const send = async <T>(method: "GET" | "POST", url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> => {
    const res = await fetchImpl(url, {
      method,
      headers: options.headers,
      body: method === "POST" ? (options.body ?? "") : undefined,
      signal: AbortSignal.timeout(timeout ?? defaultTimeoutMs),
    });
    const text = await res.text();
    let body: T;
    try {
      body = (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new Error(`Non-JSON response (${res.status}) from ${new URL(url).origin}${new URL(url).pathname}`);
    }
    return { status: res.status, headers: headerRecord(res.headers), body };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send("GET", url, options, timeout),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
}

/** The transports the client uses, from its settings and options. */
export interface Transport {
  /** fetch for Graph. */
  fetch: FetchLike;
  /** MSAL's network client; undefined lets MSAL use its own (global fetch). */
  msalNetworkClient: INetworkModule | undefined;
  /** For the client's own calls to the authority (tenant checks). */
  authorityNetwork: INetworkModule;
}

export function buildTransport(options: { caCertificate?: string; networkClient?: INetworkModule; fetch?: FetchLike }): Transport {
  const fetchImpl: FetchLike = options.fetch ?? (options.caCertificate ? caFetch(options.caCertificate) : (input, init) => fetch(input, init));
  const msalNetworkClient = options.networkClient ?? (options.caCertificate || options.fetch ? fetchNetworkModule(fetchImpl) : undefined);
  return { fetch: fetchImpl, msalNetworkClient, authorityNetwork: msalNetworkClient ?? fetchNetworkModule(fetchImpl) };
}
