import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/src/index.ts";
import { parseSeedArgs, writeSyntheticTenant } from "../../../emulator/src/cli/seed.ts";
import { SYNTHETIC_DEFAULTS, syntheticTenant } from "../../../emulator/src/tenants/synthetic.ts";
import { tenantFixture } from "../../../emulator/src/tenants/schemas.ts";
import { buildState } from "../../../emulator/src/tenants/seed.ts";
import { graphClient } from "../../support/graph.ts";

/**
 * `npm run seed`: a synthetic tenant of N users with a management tree,
 * department groups and an admin-consented app, written as a fixture the
 * emulator starts on.
 */
const dir = mkdtempSync(join(tmpdir(), "graph-emulator-seed-"));
let emu: RunningEmulator | undefined;

afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("seed arguments", () => {
  it("has defaults and reads every option", () => {
    const args = parseSeedArgs(["--users", "250", "--seed", "7", "--domain", "big.example.com", "--fanout", "3", "--quiet", "--out", join(dir, "a.json")]);
    expect(args).toMatchObject({ help: false, quiet: true, out: join(dir, "a.json"), options: { users: 250, seed: 7, domain: "big.example.com", fanout: 3 } });
    expect(parseSeedArgs([]).options.users).toBe(1000);
  });

  it("refuses bad values with a message naming the option", () => {
    expect(() => parseSeedArgs(["--users", "0"])).toThrow("--users must be a whole number from 1 to 1000000, not '0'");
    expect(() => parseSeedArgs(["--users", "ten"])).toThrow("--users must be a whole number");
    expect(() => parseSeedArgs(["--tenant-id", "nope"])).toThrow("--tenant-id must be a GUID, not 'nope'");
    expect(() => parseSeedArgs(["--colour", "red"])).toThrow(/Unknown option '--colour'/);
  });
});

describe("the synthetic tenant", () => {
  it("is the same for the same seed and different for another", () => {
    const a = JSON.stringify(syntheticTenant({ ...SYNTHETIC_DEFAULTS, users: 50 }));
    expect(JSON.stringify(syntheticTenant({ ...SYNTHETIC_DEFAULTS, users: 50 }))).toBe(a);
    expect(JSON.stringify(syntheticTenant({ ...SYNTHETIC_DEFAULTS, users: 50, seed: 2 }))).not.toBe(a);
  });

  it("is a valid fixture with a management tree, department groups and an admin", () => {
    const fixture = tenantFixture.parse(syntheticTenant({ ...SYNTHETIC_DEFAULTS, users: 2000 }));
    const [t] = buildState([fixture]).tenants;
    expect(t!.users).toHaveLength(2000);
    const admin = t!.users[0]!;
    expect(admin).toMatchObject({ userPrincipalName: "admin@synthetic.onmicrosoft.com", directoryRoles: ["Global Administrator"], managerId: null });
    expect(t!.users.filter((u) => u.managerId === admin.id)).toHaveLength(SYNTHETIC_DEFAULTS.fanout);
    expect(t!.users.slice(1).every((u) => typeof u.managerId === "string")).toBe(true);
    expect(t!.groups).toHaveLength(10);
    expect(t!.groups.reduce((n, g) => n + g.members.length, 0)).toBe(2000);
    expect(new Set(t!.users.map((u) => u.userPrincipalName.toLowerCase())).size).toBe(2000);
  });
});

describe("seeding and starting on it", () => {
  it("writes a fixture the emulator starts on, and its app and admin can sign in", async () => {
    const out = join(dir, "tenant.json");
    const info = writeSyntheticTenant({ help: false, out, quiet: true, options: { ...SYNTHETIC_DEFAULTS, users: 3000 } });
    expect(JSON.parse(readFileSync(out, "utf8")).users).toHaveLength(3000);

    const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
    const dataDir = join(dir, "data");
    mkdirSync(dataDir);
    for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
    emu = await startEmulator({ port: 0, dataDir, inMemory: true, quiet: true, fixtures: out });

    const res = await fetch(`${emu.baseUrl}/${info.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: info.app.appId, client_secret: info.app.clientSecret, scope: "https://graph.microsoft.com/.default" }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const client = graphClient(emu, token);
    // text/plain, as Graph answers: the SDK hands back the text.
    expect(await client.api("/users/$count").header("ConsistencyLevel", "eventual").get()).toBe("3000");
    const reports = await client.api(`/users/${info.admin.userPrincipalName}/directReports`).select(["id"]).get();
    expect(reports.value).toHaveLength(SYNTHETIC_DEFAULTS.fanout);

    const signIn = await fetch(`${emu.baseUrl}/${info.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "password",
        client_id: info.app.appId,
        client_secret: info.app.clientSecret,
        username: info.admin.userPrincipalName,
        password: info.admin.password,
        scope: "User.Read",
      }),
    });
    const adminToken = ((await signIn.json()) as { access_token: string }).access_token;
    expect((await graphClient(emu, adminToken).api("/me").get()).displayName).toBe("Synthetic Admin");
  });
});
