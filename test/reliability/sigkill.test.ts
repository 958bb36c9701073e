import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { loadStateDir } from "../../emulator/src/store/state-load.ts";
import { eventStoreCodec } from "../../emulator/src/graph/calendar/event-rows.ts";

const CONTOSO_ID = "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50";

function stateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Crash safety: kill the emulator with SIGKILL in the middle of a burst of
 * writes, start it again on the same data dir, and find every write that had
 * been acknowledged, in valid state files with mode 0600. Ten times in a row.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const children: ChildProcess[] = [];
afterEach(async () => {
  await stopChildren();
});

/** Kills every emulator still running and waits for it to exit, so that none writes into a folder being removed. */
async function stopChildren(): Promise<void> {
  await Promise.all(
    children.splice(0).map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, "exit");
      c.kill("SIGKILL");
      await exited;
    }),
  );
}

function start(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string; ca: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/src/main.ts", "--port", "0", "--data-dir", dataDir], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready at (https:\/\/\S+)/.exec(out);
      if (m) resolve({ child, baseUrl: m[1] as string, ca: readFileSync(join(dataDir, "ca.pem"), "utf8") });
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`emulator exited (${code}) before it was ready:\n${out}`)));
  });
}

function post(baseUrl: string, ca: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(`${baseUrl}${path}`, { method: "POST", ca, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("error", () => resolve(0));
    req.end(payload);
  });
}

describe("crash safety", () => {
  it("keeps every acknowledged write across SIGKILL, ten times in a row", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-kill-"));
    const acknowledged: string[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        const { child, baseUrl, ca } = await start(dataDir);
        // Writes go out in waves; once some are acknowledged, the process is killed mid-burst.
        let ackedThisRound = 0;
        const killAfter = 5 + round;
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 60; i++) {
          const upn = `kill-${round}-${i}@contoso.onmicrosoft.com`;
          writes.push(
            post(baseUrl, ca, "/_emulator/tenants/contoso.onmicrosoft.com/users", { displayName: `Kill ${round} ${i}`, userPrincipalName: upn, password: "Passw0rd!" }).then((status) => {
              if (status !== 201) return;
              acknowledged.push(upn);
              if (++ackedThisRound === killAfter) child.kill("SIGKILL");
            }),
          );
          if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
        }
        await Promise.all(writes);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, "exit");
          child.kill("SIGKILL");
          await exited;
        }
        // Read the folder as a restart does: partition files plus the write-ahead log.
        const loaded = await loadStateDir(join(dataDir, "state"), undefined, { events: eventStoreCodec() });
        const stored = new Set(loaded!.state.tenants.find((t) => t.defaultDomain === "contoso.onmicrosoft.com")!.users.map((u) => u.userPrincipalName.toLowerCase()));
        const lost = acknowledged.filter((upn) => !stored.has(upn.toLowerCase()));
        expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
        for (const file of stateFiles(join(dataDir, "state"))) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      }
      // A final start reads the file cleanly and still has everything.
      const { baseUrl, ca } = await start(dataDir);
      expect(await post(baseUrl, ca, "/_emulator/tenants/contoso.onmicrosoft.com/users", { displayName: "After", userPrincipalName: "after@contoso.onmicrosoft.com" })).toBe(201);
      expect(acknowledged.length).toBeGreaterThanOrEqual(95);
    } finally {
      await stopChildren();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("refuses a corrupted state file with a message naming it, and leaves it alone", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-corrupt-"));
    try {
      const { child } = await start(dataDir);
      const stopped = once(child, "exit");
      child.kill("SIGTERM");
      await stopped;
      const file = join(dataDir, "state", "tenants", CONTOSO_ID, "users.json");
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, '{"version":1,"tenants":[{"id":');
      const again = spawn(process.execPath, ["--import", "tsx", "emulator/src/main.ts", "--port", "0", "--data-dir", dataDir], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      children.push(again);
      let err = "";
      again.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const [code] = (await once(again, "exit")) as [number | null];
      expect(code).toBe(2);
      expect(err).toContain(file);
      expect(err).toContain("not valid JSON");
      expect(readFileSync(file, "utf8")).toBe('{"version":1,"tenants":[{"id":');
    } finally {
      await stopChildren();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
