import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index.ts";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, createApp } from "../support/graph.ts";
import { FaultyFs } from "../support/faulty-fs.ts";

/**
 * A file-backed emulator whose disk refuses writes (a file layer that fails on
 * demand): no write is acknowledged, each surface answers in its own format
 * (Graph 507 quotaLimitReached or 503 serviceNotAvailable, the control plane
 * 507/503, the token endpoint 503 temporarily_unavailable), the health says
 * degraded, and once the disk recovers writes succeed without a restart.
 */
const fs = new FaultyFs();
let emu: TestEmulator;
let token: string;
const reports: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ inMemory: false }, { storeFs: fs, storeReport: (m) => reports.push(m) });
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
});
afterAll(async () => {
  await emu.close();
});

const graph = (method: string, path: string, body?: unknown) =>
  fetch(`${emu.graphBaseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
const newUser = (name: string) => ({
  accountEnabled: true,
  displayName: name,
  mailNickname: name,
  userPrincipalName: `${name}@${CONTOSO.domain}`,
  passwordProfile: { password: "Passw0rd!Passw0rd" },
});
const health = async () => (await (await fetch(`${emu.adminUrl}/health`)).json()) as { status: string; storage?: { writable: boolean; code?: string } };
/** Waits for the roll-back that follows a refused write (it runs in the store's write queue). */
const settled = () => emu.store.flush().catch(() => {});

describe("writes while the disk refuses them", () => {
  it("a full disk: Graph answers 507 quotaLimitReached, the user does not exist, the health is degraded", async () => {
    fs.set({ op: "append", code: "ENOSPC", partial: true });
    const res = await graph("POST", "/users", newUser("full-disk"));
    expect(res.status).toBe(507);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("quotaLimitReached");
    expect(body.error.message).toContain("ENOSPC");
    expect(res.headers.get("location")).toBeNull();
    await settled();
    expect((await graph("GET", `/users/full-disk@${CONTOSO.domain}`)).status).toBe(404);
    expect(await health()).toMatchObject({ status: "degraded", storage: { writable: true, code: "ENOSPC" } });
    expect(reports.join("\n")).toContain("could not persist state: ENOSPC");
    // The request journal records the answer the client got, not the success that was withheld.
    const journal = (await (await fetch(`${emu.adminUrl}/requests?area=graph&method=POST`)).json()) as { path: string; status: number; errorCode: string | null }[];
    expect(journal.at(-1)).toMatchObject({ status: 507, errorCode: "quotaLimitReached" });
  });

  it("the control plane answers 507 in its own format, and nothing is created", async () => {
    const count = () => emu.store.read(CONTOSO.id, (t) => t.users.length);
    const before = count();
    const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Control", userPrincipalName: `control-full@${CONTOSO.domain}`, password: "Passw0rd!" }),
    });
    expect(res.status).toBe(507);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("InsufficientStorage");
    await settled();
    expect(count()).toBe(before);
  });

  it("a failing disk (EIO on fdatasync): Graph answers 503 serviceNotAvailable with Retry-After", async () => {
    fs.set({ op: "datasync", code: "EIO" });
    const res = await graph("PATCH", `/users/${CONTOSO.adele.id}`, { jobTitle: "Never saved" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("serviceNotAvailable");
    await settled();
    const adele = (await (await graph("GET", `/users/${CONTOSO.adele.id}?$select=jobTitle`)).json()) as { jobTitle: string | null };
    expect(adele.jobTitle).not.toBe("Never saved");
  });

  it("the token endpoint answers Entra's 503 temporarily_unavailable when the refresh token it would issue cannot be saved", async () => {
    fs.clear();
    const app = await createApp(emu, CONTOSO.id, { delegated: ["User.Read"] });
    fs.set({ op: "append", code: "EROFS" });
    const res = await fetch(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: app.appId,
        client_secret: app.clientSecret,
        username: CONTOSO.megan.upn,
        password: CONTOSO.megan.password,
        scope: "User.Read offline_access",
      }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; error_codes: number[]; access_token?: string };
    expect(body.error).toBe("temporarily_unavailable");
    expect(body.access_token).toBeUndefined();
    await settled();
  });

  it("a reset the disk refuses midway is a 503 in the control plane's format, and the state stays as it was", async () => {
    fs.clear();
    const before = emu.store.exportState();
    fs.set({ op: "write", code: "EIO", path: /tenants-\d+\/.*users\.json\.tmp$/ });
    const res = await fetch(`${emu.adminUrl}/reset`, { method: "POST" });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("StorageUnavailable");
    expect(body.error.message).toContain("EIO");
    await settled();
    expect(emu.store.exportState()).toEqual(before);
  });

  it("once the disk accepts writes again they succeed without a restart, the health is ok, and a restart keeps exactly the acknowledged writes", async () => {
    fs.clear();
    const res = await graph("POST", "/users", newUser("after-recovery"));
    expect(res.status).toBe(201);
    expect(await health()).toEqual({ status: "ok" });
    await emu.store.flush();
    // A second emulator on the same folder (the first one's store closed) sees what was acknowledged and nothing else.
    await emu.store.close();
    let again: RunningEmulator | undefined;
    try {
      again = await startEmulator({ port: 0, dataDir: emu.dataDir, quiet: true });
      const upns = again.store.read(CONTOSO.id, (t) => t.users.map((u) => u.userPrincipalName.toLowerCase()));
      expect(upns).toContain(`after-recovery@${CONTOSO.domain}`);
      expect(upns).not.toContain(`full-disk@${CONTOSO.domain}`);
      expect(upns).not.toContain(`control-full@${CONTOSO.domain}`);
      expect(again.store.read(CONTOSO.id, (t) => t.users.find((u) => u.id === CONTOSO.adele.id)?.jobTitle)).not.toBe("Never saved");
    } finally {
      await again?.close();
    }
  });
});
