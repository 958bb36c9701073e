import type { Dispatcher } from "undici";

/**
 * The emulator's outgoing POSTs to notification URLs (validation handshakes,
 * change and lifecycle notifications). Redirects are never followed (a 3xx is
 * an answer like any other non-2xx), HTTPS receivers are trusted when Node's
 * roots, NODE_EXTRA_CA_CERTS or the emulator's own CA signed them, and only
 * so much of an answer is read as a handshake needs.
 */
export type PostOutcome =
  | { answered: true; status: number; text: string; durationMs: number }
  | { answered: false; reason: "timeout" | "unreachable" | "aborted"; detail: string; durationMs: number };

/** The most of an answer's body that is read (a validation token is far shorter). */
const MAX_ANSWER_BYTES = 64 * 1024;

export class WebhookClient {
  #dispatcher: Promise<Dispatcher> | undefined;
  readonly #caCert: string;
  /** Ends the requests in flight when the emulator stops. */
  readonly #closing = new AbortController();

  constructor(caCert: string) {
    this.#caCert = caCert;
  }

  /** POSTs `body` (text) to `url`; never throws: a failure is an outcome. */
  async post(url: string, body: string, contentType: string, timeoutMs: number): Promise<PostOutcome> {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 100) / 100;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      // Loaded on first use: undici is a tenth of a start, and most runs send no notification.
      const { request } = await import("undici");
      const dispatcher = await (this.#dispatcher ??= import("../../tls/trust.ts").then((t) => t.trustingDispatcher(this.#caCert)));
      const answer = await request(url, {
        method: "POST",
        headers: { "content-type": contentType, "user-agent": "graph-emulator change notifications" },
        body,
        dispatcher,
        signal: AbortSignal.any([timeout, this.#closing.signal]),
      });
      const text = await readSome(answer.body);
      return { answered: true, status: answer.statusCode, text, durationMs: took() };
    } catch (err) {
      if (this.#closing.signal.aborted) return { answered: false, reason: "aborted", detail: "the emulator stopped", durationMs: took() };
      if (timeout.aborted) return { answered: false, reason: "timeout", detail: `no answer within ${timeoutMs} ms`, durationMs: took() };
      const e = err as { code?: string; message?: string };
      return { answered: false, reason: "unreachable", detail: e.code ?? e.message ?? String(err), durationMs: took() };
    }
  }

  /** Ends requests in flight and lets go of connections. */
  async close(): Promise<void> {
    this.#closing.abort();
    if (this.#dispatcher) await (await this.#dispatcher).close();
  }
}

/** The answer's text, up to MAX_ANSWER_BYTES (the rest is not read). */
async function readSome(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    chunks.push(b);
    size += b.length;
    if (size >= MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8");
}
