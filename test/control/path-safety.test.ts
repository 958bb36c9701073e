import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import { FixtureError, readFixtures } from "../../emulator/src/tenants/seed.ts";
import { writeFileSync } from "node:fs";

/**
 * No control-plane request can create, change or delete a file outside the
 * data dir, and a refused request changes nothing in memory or on disk:
 * snapshot tenant ids must be GUIDs (they name folders), imports are checked
 * whole (depth, shape, duplicates) before anything is applied, and route
 * parameters only ever select existing tenants.
 */
let base: string;
let dataDir: string;
let emu: RunningEmulator;

beforeAll(async () => {
  const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
  // The data dir sits three levels down, so "../../../x" from state/tenants/ lands in `base`, where it is watched.
  base = mkdtempSync(join(tmpdir(), "graph-emulator-paths-"));
  dataDir = join(base, "a", "data");
  mkdirSync(dataDir, { recursive: true });
  for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
  emu = await startEmulator({ port: 0, dataDir, quiet: true });
});
afterAll(async () => {
  await emu.close();
  rmSync(base, { recursive: true, force: true });
});

/** Every file and folder under `base` with its size and mtime: what a request must not change. */
function tree(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(base, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const s = statSync(p);
    out[p] = e.isDirectory() ? "dir" : `${s.size}:${s.mtimeMs}`;
  }
  return out;
}

const post = (path: string, body: unknown) =>
  fetch(`${emu.adminUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const snapshot = async () => (await (await fetch(`${emu.adminUrl}/snapshot`)).json()) as { version: 1; tenants: { id: string }[] };
const tenant = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: "T", defaultDomain: "t.example", domains: [], ...extra });

describe("snapshot import", () => {
  const hostile = ["../../../somewhere", ".", "..", "a/b", "..\\..\\x", "/tmp/absolute", "%2e%2e", "", "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50/../../x", "CON", "6e8c4f2a-1b3d-4c5e-9f7a-0b1c2d3e4f50\u0000"];

  it.each(hostile.map((id) => [JSON.stringify(id), id]))("refuses tenant id %s with a 400 and changes nothing", async (_name, id) => {
    const before = await snapshot();
    const files = tree();
    const res = await post("/snapshot", { version: 1, tenants: [tenant(id as string)] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ValidationError");
    expect(body.error.message).toContain("tenants.0.id");
    expect(await snapshot()).toEqual(before);
    expect(tree()).toEqual(files);
    expect(existsSync(resolve(dataDir, "state", "tenants", id as string))).toBe(id === "" || id === "." || id === "..");
  });

  it("refuses any string that is not a GUID (property), never touching the disk", async () => {
    const files = tree();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }).filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)),
        async (id) => {
          expect((await post("/snapshot", { version: 1, tenants: [tenant(id)] })).status).toBe(400);
        },
      ),
      { seed: 18, numRuns: 40 },
    );
    expect(tree()).toEqual(files);
  });

  it("refuses an import nested 3,000 levels deep with a 400 naming the field path; nothing is applied and the snapshot still reads", async () => {
    const before = await snapshot();
    const files = tree();
    const deep = `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`;
    const body = `{"version":1,"tenants":[{"id":"${before.tenants[0]!.id}","displayName":"Deep","defaultDomain":"deep.example","domains":[],"users":[{"id":"u1","x":${deep}}]}]}`;
    const res = await post("/snapshot", body);
    expect(res.status).toBe(400);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/^tenants\[0\]\.users\[0\]\.x\.a\.a.*: the body nests arrays and objects deeper than 64 levels\.$/);
    const after = await fetch(`${emu.adminUrl}/snapshot`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(before);
    expect(tree()).toEqual(files);
  });

  it("refuses duplicate tenants, records without their key and events without a mailbox, applying none of the import", async () => {
    const before = await snapshot();
    const id = before.tenants[0]!.id;
    const cases: [unknown, string][] = [
      [{ version: 1, tenants: [tenant(id), tenant(id.toUpperCase())] }, "appears twice"],
      [{ version: 1, tenants: [tenant(id, { users: [{ displayName: "no id" }] })] }, "tenants.0.users.0.id"],
      [{ version: 1, tenants: [tenant(id, { users: [{ id: "u" }, { id: "u" }] })] }, "'u' appears twice"],
      [{ version: 1, tenants: [tenant(id, { events: [{ id: "e1" }] })] }, "tenants.0.events.0.ownerId"],
      [{ version: 1, tenants: [tenant(id, { users: "everyone" })] }, "tenants.0.users"],
    ];
    for (const [body, expected] of cases) {
      const res = await post("/snapshot", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(expected);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("after refused imports, a reset rewrites only the data dir", async () => {
    const outside = Object.entries(tree()).filter(([p]) => !p.startsWith(dataDir));
    const res = await fetch(`${emu.adminUrl}/reset`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(Object.entries(tree()).filter(([p]) => !p.startsWith(dataDir))).toEqual(outside);
    expect(existsSync(join(dataDir, "state", "manifest.json"))).toBe(true);
  });
});

describe("route parameters", () => {
  it("select only existing tenants: traversal in a tenant segment is a 404 and touches no file", async () => {
    const files = tree();
    for (const seg of ["..%2F..%2F..%2Fsomewhere", "%2e%2e", "..", "%2e", "a%5Cb"]) {
      for (const [method, path] of [
        ["DELETE", `/tenants/${seg}`],
        ["GET", `/tenants/${seg}/users`],
        ["POST", `/tenants/${seg}/users`],
      ] as const) {
        const res = await fetch(`${emu.adminUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? JSON.stringify({ displayName: "x", userPrincipalName: "x@x.example" }) : undefined });
        expect([404, 400], `${method} ${path}`).toContain(res.status);
      }
    }
    expect(tree()).toEqual(files);
  });

  it("refuses any control-plane body nested deeper than 64 levels, naming where", async () => {
    const res = await post("/faults", `{"fault":"latency","match":${'{"a":'.repeat(100)}1${"}".repeat(100)}}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^match\.a\.a/);
  });
});

describe("fixtures", () => {
  it("refuse a tenant id that is not a GUID before anything is written", () => {
    const file = join(base, "fixture.json");
    writeFileSync(file, JSON.stringify({ id: "../../../somewhere", displayName: "Bad", defaultDomain: "bad.example" }));
    expect(() => readFixtures(file)).toThrow(FixtureError);
    expect(() => readFixtures(file)).toThrow(/id: must be a GUID/);
  });
});
