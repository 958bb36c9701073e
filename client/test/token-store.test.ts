import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { LowdbTokenStore, MemoryTokenStore, type StoredUser, type TokenStore } from "../src/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "msfn-store-"));
  dirs.push(dir);
  return join(dir, "nested", "tokens.json");
}

const user = (userId: string, cache = '{"RefreshToken":{"k":{"secret":"rt-secret"}}}'): StoredUser => ({
  userId,
  account: { homeAccountId: "oid.tid", microsoftUserId: "oid", tenantId: "tid", username: "a@b.c", name: "A" },
  mode: undefined,
  scopes: ["User.Read"],
  signedInAt: "2026-01-01T00:00:00.000Z",
  refreshedAt: "2026-01-01T00:00:00.000Z",
  cache,
});

async function exercise(store: TokenStore) {
  await store.putUser(user("u1"));
  await store.putUser(user("u2"));
  expect((await store.listUserIds()).sort()).toEqual(["u1", "u2"]);
  const updated = await store.updateUser("u1", (u) => ({ ...u, refreshedAt: "2026-02-01T00:00:00.000Z" }));
  expect(updated?.refreshedAt).toBe("2026-02-01T00:00:00.000Z");
  expect(await store.updateUser("missing", (u) => u)).toBeUndefined();
  expect(await store.deleteUser("u2")).toBe(true);
  expect(await store.deleteUser("u2")).toBe(false);
  await store.putPending({ state: "s1", userId: "u1", mode: undefined, scopes: [], codeVerifier: "v", nonce: "n", createdAt: new Date().toISOString() });
  await store.putPending({ state: "old", userId: "u1", mode: undefined, scopes: [], codeVerifier: "v", nonce: "n", createdAt: "2000-01-01T00:00:00Z" });
  await store.prunePending(new Date(Date.now() - 60_000));
  expect(await store.takePending("old")).toBeUndefined();
  expect((await store.takePending("s1"))?.userId).toBe("u1");
  expect(await store.takePending("s1")).toBeUndefined();
}

describe("token stores", () => {
  it("memory store", async () => {
    await exercise(new MemoryTokenStore());
  });

  it("a returned user is a copy: changing it does not change the store", async () => {
    const store = new MemoryTokenStore();
    await store.putUser(user("u1"));
    const got = await store.getUser("u1");
    got!.scopes.push("Mail.Read");
    expect((await store.getUser("u1"))?.scopes).toEqual(["User.Read"]);
  });

  it("lowdb file store: persists across opens, file mode 0600, directory created 0700", async () => {
    const file = tempFile();
    const store = await LowdbTokenStore.open(file);
    await exercise(store);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
    const again = await LowdbTokenStore.open(file);
    expect(await again.listUserIds()).toEqual(["u1"]);
    expect((await again.getUser("u1"))?.refreshedAt).toBe("2026-02-01T00:00:00.000Z");
    expect(JSON.parse(readFileSync(file, "utf8")).users.u1.cache).toContain("rt-secret");
  });

  it("tightens a token file that is readable by others", async () => {
    const file = tempFile();
    const store = await LowdbTokenStore.open(file);
    await store.putUser(user("u1"));
    chmodSync(file, 0o644);
    await LowdbTokenStore.open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("concurrent writes are serialized, none is lost", async () => {
    const store = await LowdbTokenStore.open(tempFile());
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.putUser(user(`u${i}`))));
    expect((await store.listUserIds()).length).toBe(25);
  });

  it("never shows tokens when logged", async () => {
    const file = tempFile();
    writeFileSync(join(file, "..", "..", "ignored"), "");
    const stores = [new MemoryTokenStore(), await LowdbTokenStore.open(file)];
    for (const store of stores) {
      await store.putUser(user("u1"));
      expect(inspect(store)).not.toContain("rt-secret");
      expect(JSON.stringify(store)).not.toContain("rt-secret");
      expect(inspect(store)).toMatch(/users: 1 \(tokens hidden\)/);
    }
  });
});
