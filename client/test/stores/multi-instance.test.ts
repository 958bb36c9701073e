import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "jose";
import pg from "pg";
import { Redis } from "ioredis";
import type { MicrosoftFunctions, TokenStore } from "../../src/index.ts";
import { CONTOSO, emulatorClient, emulatorSettings, moveClock, registerApp, signInAs, startTestEmulator, type RegisteredApp, type TestEmulator } from "../helpers.ts";
import { openStore, SUITE_KEY } from "../support/stores.ts";
import { skipNote, unavailable, useServers } from "./servers.ts";

/**
 * Several backend instances behind a load balancer, each with its own client
 * and connection, sharing one PostgreSQL or Redis token store.
 */
const servers = useServers(["postgres", "redis"]);
let emu: TestEmulator;
let app: RegisteredApp;
beforeEach(async () => {
  emu = await startTestEmulator();
  app = await registerApp(emu, { delegated: ["User.Read"] });
});
afterEach(async () => {
  vi.useRealTimers();
  await emu.close();
});

const TOKEN_PATH = "/oauth2/v2.0/token";
const tokenRequests = () => emu.admin.countRequests({ area: "identity", path: TOKEN_PATH, clientId: app.appId });

for (const kind of ["postgres", "redis"] as const) {
  describe.skipIf(unavailable(kind))(`three instances sharing a ${kind} store${skipNote(kind)}`, () => {
    /** Every row or key the store holds, as text. */
    async function rawRows(k: "postgres" | "redis", name: string): Promise<string> {
      if (k === "postgres") {
        const c = new pg.Client({ connectionString: servers.url(k) });
        await c.connect();
        try {
          return JSON.stringify((await c.query(`SELECT * FROM ${name}`)).rows);
        } finally {
          await c.end();
        }
      }
      const r = new Redis(servers.url(k) as string);
      try {
        const keys = await r.keys(`${name}:*`);
        return JSON.stringify(await Promise.all(keys.map(async (key) => [key, (await r.type(key)) === "hash" ? await r.hgetall(key) : await r.smembers(key)])));
      } finally {
        r.disconnect();
      }
    }

    /** `count` instances over one store (each its own connection), and the store's name. */
    async function instances(count: number, renewAfterDays = 30): Promise<{ clients: MicrosoftFunctions[]; stores: TokenStore[]; name: string }> {
      const name = `mi_${Math.random().toString(36).slice(2, 10)}`;
      const stores = await Promise.all(Array.from({ length: count }, () => openStore(kind, { url: servers.url(kind), name })));
      const clients = stores.map((tokenStore) => emulatorClient(emu, app, { renewal: { renewAfterDays } }, { tokenStore }));
      return { clients, stores, name };
    }

    it("a user who signed in through instance A is served by instance B", async () => {
      const { clients, stores, name } = await instances(2);
      const [a, b] = clients as [MicrosoftFunctions, MicrosoftFunctions];
      await signInAs(a, emu, { userId: "app-user", user: CONTOSO.megan });
      const me = await b.users.getSignedInUser({ authUserId: "app-user" });
      expect(me).toMatchObject({ ok: true, data: { id: CONTOSO.megan.id } });
      expect(await b.signIn.getBinding("app-user")).toMatchObject({ microsoftUserId: CONTOSO.megan.id });

      // What the database holds reveals none of the real tokens, nor who the user is.
      const cache = JSON.parse((await stores[0]!.getUser("app-user"))!.cache) as Record<string, Record<string, { secret: string }>>;
      const secrets = ["RefreshToken", "AccessToken", "IdToken"].flatMap((section) => Object.values(cache[section] ?? {}).map((e) => e.secret));
      expect(secrets).toHaveLength(3);
      const raw = await rawRows(kind, name);
      expect(raw).toContain("app-user");
      for (const secret of [...secrets, CONTOSO.megan.upn, CONTOSO.megan.id]) expect(raw).not.toContain(secret);
    });

    it("two instances refreshing the same user at once: both get tokens, the stored refresh token still works everywhere", async () => {
      const { clients, stores } = await instances(2);
      const [a, b] = clients as [MicrosoftFunctions, MicrosoftFunctions];
      await signInAs(a, emu, { userId: "shared" });
      const before = (await stores[0]!.getUser("shared"))!.version!;
      const tokens = await Promise.all([a.getUserAccessToken("shared", { forceRefresh: true }), b.getUserAccessToken("shared", { forceRefresh: true })]);
      for (const t of tokens) expect(decodeJwt(t).oid).toBe(CONTOSO.adele.id);
      expect((await stores[1]!.getUser("shared"))!.version).toBeGreaterThan(before);
      // Whichever cache won, its refresh token redeems, from either instance.
      expect(decodeJwt(await b.getUserAccessToken("shared", { forceRefresh: true })).oid).toBe(CONTOSO.adele.id);
      expect(decodeJwt(await a.getUserAccessToken("shared", { forceRefresh: true })).oid).toBe(CONTOSO.adele.id);
    });

    it("three instances sweeping at once renew each due user exactly once, every 30 emulator days, and every user still works after 180 days", async () => {
      const { clients } = await instances(3);
      const users = ["u1", "u2", "u3", "u4", "u5", "u6"];
      for (const [i, userId] of users.entries()) await signInAs(clients[i % 3]!, emu, { userId, user: i % 2 ? CONTOSO.megan : CONTOSO.adele });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(emu.clock.now());
      for (let day = 30; day <= 180; day += 30) {
        await moveClock(emu, "P30D");
        vi.setSystemTime(emu.clock.now());
        await emu.admin.clearRequests();
        const reports = await Promise.all(clients.map((c) => c.renewRefreshTokens({ concurrency: 3 })));
        const renewed = reports.flatMap((r) => r.renewed).sort();
        expect(renewed, `day ${day}: each user renewed by exactly one instance`).toEqual(users);
        expect(reports.flatMap((r) => r.failed), `day ${day}`).toEqual([]);
        for (const r of reports) expect([...r.renewed, ...r.skipped].sort()).toEqual(users);
        expect(await tokenRequests(), `day ${day}: one token request per user`).toBe(users.length);
      }
      for (const [i, userId] of users.entries()) {
        const me = await clients[(i + 1) % 3]!.users.getSignedInUser({ authUserId: userId });
        expect(me, userId).toMatchObject({ ok: true, data: { id: i % 2 ? CONTOSO.megan.id : CONTOSO.adele.id } });
      }
    });

    it("an instance killed mid-sweep: the others finish, and its claimed users are renewed once its claims expire", async () => {
      const { clients, stores, name } = await instances(2);
      const users = Array.from({ length: 8 }, (_, i) => `k${i}`);
      for (const userId of users) await signInAs(clients[0]!, emu, { userId });
      // Everyone was last refreshed 31 days ago on the client's clock: all due, on the real clock.
      const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
      for (const userId of users) await stores[0]!.updateUser(userId, (u) => ({ ...u, refreshedAt: old }));
      await emu.admin.clearRequests();

      const args = { kind, url: servers.url(kind), table: name, key: SUITE_KEY, settings: emulatorSettings(emu, app, { renewal: { renewAfterDays: 30 } }), hangAfter: 3 };
      const script = fileURLToPath(new URL("../support/sweep-worker.ts", import.meta.url));
      const worker = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(args)], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      worker.stdout.on("data", (d: Buffer) => (out += d.toString()));
      worker.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      // The worker renews three users, then hangs with claims held (two workers: two users in flight).
      await vi.waitFor(() => expect(out.match(/hung/g)?.length ?? 0, out).toBe(2), { timeout: 20_000, interval: 20 });
      worker.kill("SIGKILL");
      await exited;
      expect(await tokenRequests(), "token requests answered before the kill").toBe(3);

      const reports = await Promise.all(clients.map((c) => c.renewRefreshTokens({ concurrency: 2 })));
      const renewed = reports.flatMap((r) => r.renewed);
      expect(reports.flatMap((r) => r.failed)).toEqual([]);
      expect(new Set(renewed).size, "no user renewed twice").toBe(renewed.length);
      expect(renewed.length, "the survivors renew every user the dead instance had not, except the two it held").toBe(users.length - 3 - 2);
      expect(await tokenRequests()).toBe(users.length - 2);

      // Later (the next sweep, after the 5-minute lease): the dead instance's two users are taken over.
      const later = () => new Date(Date.now() + 6 * 60_000);
      const next = await Promise.all(clients.map((c) => c.renewRefreshTokens({ now: later })));
      const taken = next.flatMap((r) => r.renewed);
      expect(taken).toHaveLength(2);
      expect(new Set([...renewed, ...taken]).size).toBe(users.length - 3);
      expect(await tokenRequests(), "each user renewed exactly once in all").toBe(users.length);
      for (const userId of users) expect(await clients[1]!.users.getSignedInUser({ authUserId: userId }), userId).toMatchObject({ ok: true });
    });
  });
}
