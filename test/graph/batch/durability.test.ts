import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken } from "../../support/graph.ts";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { JSON_TYPE, postBatch, requests } from "./support.ts";

/**
 * A file-backed emulator whose disk refuses writes: a batch that writes is
 * answered as any write then (Graph's 507 for the whole batch, never a
 * success whose changes are not on disk), and runs normally once the disk
 * recovers.
 */
const fs = new FaultyFs();
let emu: TestEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ inMemory: false }, { storeFs: fs, storeReport: () => {} });
  token = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
});
afterAll(async () => {
  fs.clear();
  await emu?.close();
});

const newUser = (name: string) => ({
  accountEnabled: true,
  displayName: name,
  mailNickname: name,
  userPrincipalName: `${name}@${CONTOSO.domain}`,
  passwordProfile: { password: "Passw0rd!Passw0rd" },
});
const exists = async (name: string) => (await emu.fetch(`/v1.0/users/${name}@${CONTOSO.domain}`, { headers: { authorization: `Bearer ${token}` } })).status === 200;

describe("a batch that writes while the disk refuses", () => {
  it("is answered 507 quotaLimitReached as a whole; its user does not exist; once the disk recovers the same batch runs", async () => {
    fs.set({ op: "append", code: "ENOSPC", partial: true });
    const batch = requests({ id: "read", method: "GET", url: "/users?$top=1" }, { id: "create", method: "POST", url: "/users", headers: JSON_TYPE, body: newUser("batch-full-disk") });
    const refused = await postBatch(emu, token, batch);
    expect(refused.status, JSON.stringify(refused.body)).toBe(507);
    expect(refused.body.error.code).toBe("quotaLimitReached");
    await emu.store.flush().catch(() => {});
    fs.clear();
    expect(await exists("batch-full-disk")).toBe(false);
    const ran = await postBatch(emu, token, batch);
    expect(ran.status).toBe(200);
    expect(ran.items.map((i) => i.status)).toEqual([200, 201]);
    expect(await exists("batch-full-disk")).toBe(true);
  });

  it("answers a batch of reads as usual while writes are refused", async () => {
    fs.set({ op: "append", code: "ENOSPC", partial: true });
    try {
      const res = await postBatch(emu, token, requests({ id: "1", method: "GET", url: `/users/${CONTOSO.adele.id}` }));
      expect(res.status).toBe(200);
      expect(res.item("1").status).toBe(200);
    } finally {
      fs.clear();
    }
  });
});
