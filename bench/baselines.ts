import { createServer as createHttpsServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request, type Response } from "express";

/**
 * The two baselines, in the bench process beside the emulator: a raw
 * node:https server and a bare Express 5 app, both on the emulator's
 * certificate, both answering each scenario's request with the exact status
 * and body bytes the emulator answered, with no token check and no logic.
 * The raw server writes the bytes it keeps (the floor of any Node HTTPS
 * server); the Express route does what a minimal Express app does to answer
 * JSON, `res.json(object)`, which produces the same bytes.
 */

export interface CannedAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  /** The parsed body, when `res.json` reproduces `body` exactly. */
  json?: unknown;
}

export interface Baseline {
  name: "raw node" | "bare Express";
  /** e.g. https://127.0.0.1:40123 */
  base: string;
  /** Serves `answer` to `method path?query` from now on. */
  serve(method: string, url: string, answer: CannedAnswer): void;
  close(): Promise<void>;
}

const key = (method: string, url: string) => `${method.toUpperCase()} ${url}`;

/** The path and query as clients send them (WHATWG URL encoding, e.g. ' as %27). */
function onTheWire(url: string): string {
  const u = new URL(url, "https://127.0.0.1");
  return `${u.pathname}${u.search}`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** node:https with a Map lookup: the floor of what any Node HTTPS server can do here. */
export async function startRawNode(tls: { cert: string; key: string }): Promise<Baseline> {
  const answers = new Map<string, CannedAnswer>();
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    const send = () => {
      const answer = answers.get(key(req.method ?? "GET", req.url ?? "/"));
      if (!answer) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not served");
        return;
      }
      res.writeHead(answer.status, { "content-type": answer.contentType, "content-length": answer.body.length });
      res.end(answer.body);
    };
    // A body is read to its end before answering, as any real handler would.
    if (req.method === "GET" || req.method === "HEAD") return send();
    req.on("data", () => {});
    req.on("end", send);
  });
  const port = await listen(server);
  return {
    name: "raw node",
    base: `https://127.0.0.1:${port}`,
    serve: (method, url, answer) => void answers.set(key(method, onTheWire(url)), answer),
    close: closer(server),
  };
}

/**
 * A bare Express 5 app: one route per path answering with `res.json` (or
 * `res.send` for a body that is not JSON), the body parser a minimal app
 * would use on POST routes, and the same settings as the emulator (no
 * X-Powered-By, no ETag), so the comparison isolates the emulator's own work.
 * `serve` checks that the route's answer is byte for byte the emulator's.
 */
export async function startBareExpress(tls: { cert: string; key: string }): Promise<Baseline> {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const answers = new Map<string, CannedAnswer>();
  const routed = new Set<string>();
  const handler = (req: Request, res: Response) => {
    const answer = answers.get(key(req.method, req.originalUrl));
    if (!answer) return void res.status(404).send("not served");
    if (answer.json !== undefined) res.status(answer.status).json(answer.json);
    else res.status(answer.status).type(answer.contentType).send(answer.body);
  };
  const jsonBody = express.json({ limit: "4mb" });
  const formBody = express.urlencoded({ extended: false, limit: "64kb" });
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, app);
  const port = await listen(server);
  return {
    name: "bare Express",
    base: `https://127.0.0.1:${port}`,
    serve(method, url, answer) {
      const wire = onTheWire(url);
      let json: unknown;
      if (/^application\/json/i.test(answer.contentType)) {
        json = JSON.parse(answer.body.toString("utf8"));
        // res.json must give back exactly the emulator's bytes.
        if (!Buffer.from(JSON.stringify(json)).equals(answer.body)) json = undefined;
      }
      answers.set(key(method, wire), { ...answer, json });
      const path = wire.split("?")[0] as string;
      const m = method.toLowerCase();
      if (routed.has(`${m} ${path}`)) return;
      routed.add(`${m} ${path}`);
      // Express paths: literal text (the paths served here have no ':' or '*').
      if (m === "get") app.get(path, handler);
      else if (m === "post") app.post(path, jsonBody, formBody, handler);
      else throw new Error(`bare Express baseline: no ${method} route`);
    },
    close: closer(server),
  };
}
