import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRAIN_LIMIT } from "../../emulator/src/http/readable-refusals.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken } from "../support/graph.ts";

/**
 * Refusals of large bodies that clients can read: the emulator reads (and
 * drops) the rest of the body, up to 16 MiB, before it answers 413 with
 * `Connection: close`. Sent before, the answer met a client still sending and
 * Node's fetch (and the Graph SDK over it) reported "fetch failed" (EPIPE).
 */
let emu: TestEmulator;
let token: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
});
afterAll(async () => {
  await emu.close();
});

const big = (bytes: number) => `{"displayName":"${"x".repeat(bytes)}"}`;

/** A body sent in chunks with no Content-Length (chunked transfer), as a stream. */
function stream(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

/**
 * A client that sends its whole body before it reads (as HTTP/1.1 clients
 * may): headers and the first megabyte, a pause in which a server that
 * answers early closes the connection, then the rest. Resolves with what was
 * read, or the error that writing or reading met.
 */
function sendAllThenRead(path: string, headers: Record<string, string>, bytes: number): Promise<{ response: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: emu.port, servername: "localhost", ca: emu.caCert });
    let response = "";
    let failed: string | undefined;
    socket.on("data", (d: Buffer) => (response += d.toString("latin1")));
    socket.on("error", (err: NodeJS.ErrnoException) => (failed ??= err.code ?? err.message));
    let sent = 0;
    // A client that writes its body first never reads an answer sent before the server took the body.
    socket.on("close", () => resolve(failed ? { error: failed } : sent < bytes ? { error: `closed after ${sent} of ${bytes} bytes were sent` } : { response }));
    socket.once("secureConnect", async () => {
      const head = Object.entries({ host: `localhost:${emu.port}`, "content-length": String(bytes), ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      const mib = Buffer.alloc(1024 * 1024, 120);
      while (sent < bytes && !failed && !socket.destroyed) {
        const n = Math.min(mib.length, bytes - sent);
        await new Promise<void>((r) => socket.write(mib.subarray(0, n), () => r()));
        sent += n;
        if (sent === mib.length) await new Promise((r) => setTimeout(r, 300));
      }
    });
  });
}

describe("a body over the limit", () => {
  it("Graph: a client that sends its whole 5 MB body before reading still reads the 413 (the body is read first)", async () => {
    const outcome = await sendAllThenRead("/v1.0/users", { authorization: `Bearer ${token}`, "content-type": "application/json" }, 5 * 1024 * 1024);
    expect(outcome).toHaveProperty("response");
    const response = (outcome as { response: string }).response;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain("connection: close");
    expect(response).toContain('"code":"RequestEntityTooLarge"');
  });

  it("the token endpoint: the same client reads Entra's 413 for a 1 MB form", async () => {
    const outcome = await sendAllThenRead(`/${CONTOSO.id}/oauth2/v2.0/token`, { "content-type": "application/x-www-form-urlencoded" }, 1024 * 1024 + 4096);
    expect(outcome).toHaveProperty("response");
    expect((outcome as { response: string }).response).toMatch(/^HTTP\/1\.1 413 [\s\S]*"error":"invalid_request"/);
  });

  it("Graph: a 5 MB POST gets a readable 413 in Graph's format, with Connection: close", async () => {
    const res = await fetch(`${emu.graphBaseUrl}/users`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: big(5 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RequestEntityTooLarge");
  });

  it("Graph: a chunked body (no Content-Length) over the limit gets a readable 413 too", async () => {
    const res = await fetch(`${emu.graphBaseUrl}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: stream(6 * 1024 * 1024),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RequestEntityTooLarge");
  });

  it("the token endpoint: a 200 KB form gets Entra's readable 413", async () => {
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&x=${"y".repeat(200 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("the control plane: a 2 MB body gets a readable 413 RequestEntityTooLarge", async () => {
    const res = await fetch(`${emu.adminUrl}/snapshot`, { method: "POST", headers: { "content-type": "application/json" }, body: big(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RequestEntityTooLarge");
  });

  it("past the 16 MiB bound the emulator stops reading and closes, and keeps serving", async () => {
    expect(DRAIN_LIMIT).toBe(16 * 1024 * 1024);
    const outcome = await fetch(`${emu.graphBaseUrl}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: stream(64 * 1024 * 1024),
      duplex: "half",
    } as RequestInit).then(
      (res) => res.status,
      () => "closed",
    );
    // Either the 413 got through before the close, or the connection was closed under the sender.
    expect([413, "closed"]).toContain(outcome);
    expect((await fetch(`${emu.adminUrl}/health`)).status).toBe(200);
  });
});
