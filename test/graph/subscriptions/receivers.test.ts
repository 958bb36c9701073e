import { readFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { expectError, graphHttp, USERS } from "../calendar/support.ts";
import { inMinutes } from "./support.ts";

/**
 * Which receivers the emulator talks to and how: HTTPS ones whose
 * certificate the emulator's CA (or Node's roots, or NODE_EXTRA_CA_CERTS)
 * signed, never a redirect, the notificationUrl's own query kept (and its
 * secrets redacted in the journal).
 */
let emu: TestEmulator;
let adele: ReturnType<typeof graphHttp>;
const servers: { close(cb: () => void): void; closeAllConnections(): void }[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
  adele = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.adele, ["Calendars.Read"]));
});
afterAll(async () => {
  await emu?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

// Each test subscribes with change types of its own: the same ones twice would be a 409 before any handshake.

/** A receiver that echoes validation tokens; `seen` gets each request's path and query. */
function echoing(seen: string[]) {
  return (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    seen.push(req.url ?? "");
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end(token ?? ""));
  };
}

async function listen(server: Server | ReturnType<typeof createServer>): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

const subscribe = (notificationUrl: string, changeType = "created") =>
  adele("POST", "/subscriptions", { changeType, notificationUrl, resource: "me/events", expirationDateTime: inMinutes(emu.clock.nowMs(), 60) });

describe("HTTPS receivers", () => {
  it("trusts a receiver whose certificate the emulator's CA signed", async () => {
    const tls = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
    const seen: string[] = [];
    const port = await listen(createHttpsServer({ cert: readFileSync(join(tls, "server.pem")), key: readFileSync(join(tls, "server-key.pem")) }, echoing(seen)));
    const res = await subscribe(`https://localhost:${port}/secure`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(seen).toHaveLength(1);
  });

  it("refuses a receiver whose certificate nobody it trusts signed", async () => {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
    });
    const seen: string[] = [];
    const port = await listen(createHttpsServer({ cert: pems.cert, key: pems.private }, echoing(seen)));
    expectError(await subscribe(`https://localhost:${port}/untrusted`, "deleted"), 400, "ValidationError");
    expect(seen).toEqual([]);
  });
});

describe("how receivers are called", () => {
  it("never follows a redirect", async () => {
    const seen: string[] = [];
    const port = await listen(
      createServer((req, res) => {
        seen.push(req.url ?? "");
        if ((req.url ?? "").startsWith("/moved")) return echoing([])(req, res);
        res.writeHead(307, { location: `/moved${(req.url ?? "").slice("/hook".length)}` }).end();
      }),
    );
    expectError(await subscribe(`http://127.0.0.1:${port}/hook`, "created,deleted"), 400, "ValidationError");
    expect(seen.map((u) => u.split("?")[0])).toEqual(["/hook"]);
  });

  it("keeps the notificationUrl's query and adds the validationToken to it; the journal redacts secrets in it", async () => {
    const seen: string[] = [];
    const port = await listen(createServer(echoing(seen)));
    const res = await subscribe(`http://127.0.0.1:${port}/fn?code=function-key&tenant=contoso`, "updated");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const query = new URLSearchParams(seen[0]?.split("?")[1]);
    expect(query.get("code")).toBe("function-key");
    expect(query.get("tenant")).toBe("contoso");
    expect(query.get("validationToken")).toMatch(/^Validation: /);
    const entries = emu.journal.query({ area: "notifications", path: "/fn" });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.url).toContain("code=%5Bredacted%5D");
    expect(entries[0]?.url).not.toContain("function-key");
    expect(entries[0]?.status).toBe(200);
  });
});
