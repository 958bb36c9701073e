import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeJwt } from "jose";
import { InvalidArgumentError, MemoryTokenStore, type GraphResult, type MicrosoftFunctions } from "../src/index.ts";
import { CONTOSO, emulatorClient, registerApp, signInAs, startTestEmulator, type RegisteredApp, type TestEmulator } from "./helpers.ts";

/** Every Users function against the emulator's Graph, delegated and with application permissions. */
const LEE = { id: "e3d0513b-449e-4198-ba6f-bd97ae7cae85", upn: "LeeG@contoso.onmicrosoft.com" };
const DIEGO = { id: "a8ef8ae6-6a66-4ad8-b0c2-a0b4e5ad2f63", upn: "DiegoS@contoso.onmicrosoft.com", password: "Passw0rd!" };
const ISAIAH_ID = "c03e6eaa-b6ab-46d7-905b-73ec7ea1f755";

let emu: TestEmulator;
let delegated: MicrosoftFunctions;
let daemon: MicrosoftFunctions;
let webApp: RegisteredApp;

function data<T>(r: GraphResult<T>): T {
  if (!r.ok) throw new Error(`expected data, got ${JSON.stringify(r.error)}`);
  return r.data;
}

const newUser = (nick: string) => ({
  accountEnabled: true,
  displayName: `Test ${nick}`,
  mailNickname: nick,
  userPrincipalName: `${nick}@contoso.onmicrosoft.com`,
  passwordProfile: { password: "xWwvJ]6NMw+bWH-d", forceChangePasswordNextSignIn: false },
});

beforeAll(async () => {
  emu = await startTestEmulator();
  webApp = await registerApp(emu, { delegated: ["User.Read", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"], adminConsent: true });
  delegated = emulatorClient(emu, webApp, { scopes: ["User.Read", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"] }, { tokenStore: new MemoryTokenStore() });
  await signInAs(delegated, emu, { userId: "adele", user: CONTOSO.adele });
  await signInAs(delegated, emu, { userId: "megan", user: CONTOSO.megan });
  await signInAs(delegated, emu, { userId: "diego", user: DIEGO });
  const daemonApp = await registerApp(emu, { application: ["User.ReadWrite.All", "Directory.Read.All"], adminConsent: true });
  daemon = emulatorClient(emu, daemonApp, { appTenantId: CONTOSO.id });
});
afterAll(async () => {
  vi.useRealTimers();
  await emu.close();
});

describe("Users, delegated (authUserId)", () => {
  it("getSignedInUser with $select", async () => {
    const me = data(await delegated.users.getSignedInUser({ authUserId: "adele", select: ["displayName", "jobTitle"] }));
    expect(me).toMatchObject({ displayName: "Adele Vance", jobTitle: "Retail Manager" });
    expect(me).not.toHaveProperty("mail");
  });

  it("getUser by Microsoft id, by UPN, by application user id, and the caller themself", async () => {
    expect(data(await delegated.users.getUser({ authUserId: "adele", userId: CONTOSO.megan.id })).displayName).toBe("Megan Bowen");
    expect(data(await delegated.users.getUser({ authUserId: "adele", userId: CONTOSO.megan.upn })).id).toBe(CONTOSO.megan.id);
    expect(data(await delegated.users.getUser({ authUserId: "adele", userId: "megan" })).id).toBe(CONTOSO.megan.id);
    expect(data(await delegated.users.getUser({ authUserId: "adele", userId: "adele", select: ["id"] })).id).toBe(CONTOSO.adele.id);
  });

  it("getUser of a user who does not exist: Request_ResourceNotFound in the result", async () => {
    const r = await delegated.users.getUser({ authUserId: "adele", userId: "00000000-0000-4000-8000-000000000000" });
    expect(r).toMatchObject({ ok: false, error: { code: "Request_ResourceNotFound", status: 404 } });
  });

  it("listUsers with $filter, $select, $orderby, $top and paging", async () => {
    const first = data(await delegated.users.listUsers({ authUserId: "adele", select: ["id", "displayName"], orderby: "displayName", top: 3 }));
    expect(first.value.map((u) => u.displayName)).toEqual(["Adele Vance", "Alex Wilber", "Diego Siciliani"]);
    expect(first.nextLink).toBeTruthy();
    const second = data(await delegated.users.listUsers({ authUserId: "adele", nextLink: first.nextLink }));
    expect(second.value.map((u) => u.displayName)).toEqual(["Isaiah Langer", "Johanna Lorenz", "Lee Gu"]);
    const filtered = data(await delegated.users.listUsers({ authUserId: "adele", filter: "startswith(displayName,'A')", select: ["displayName"] }));
    expect(filtered.value.map((u) => u.displayName).sort()).toEqual(["Adele Vance", "Alex Wilber"]);
  });

  it("listUsers with $search and $count (ConsistencyLevel: eventual is sent)", async () => {
    const found = data(await delegated.users.listUsers({ authUserId: "adele", search: '"displayName:Megan"', count: true }));
    expect(found.value.map((u) => u.id)).toEqual([CONTOSO.megan.id]);
    expect(found.count).toBe(1);
  });

  it("listAllUsers follows every nextLink", async () => {
    const all = data(await delegated.users.listAllUsers({ authUserId: "adele", top: 2, select: ["id"] }));
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(new Set(all.map((u) => u.id)).size).toBe(all.length);
    expect(data(await delegated.users.listAllUsers({ authUserId: "adele", top: 2, maxItems: 3 })).length).toBe(3);
  });

  it("createUser, updateUser and deleteUser as a User Administrator", async () => {
    const created = data(await delegated.users.createUser({ authUserId: "diego", user: newUser("client.test1") }));
    expect(created).toMatchObject({ displayName: "Test client.test1", userPrincipalName: "client.test1@contoso.onmicrosoft.com" });
    expect((await delegated.users.updateUser({ authUserId: "diego", userId: created.id, changes: { jobTitle: "Tester" } })).ok).toBe(true);
    expect(data(await delegated.users.getUser({ authUserId: "diego", userId: created.id, select: ["jobTitle"] })).jobTitle).toBe("Tester");
    expect(await delegated.users.deleteUser({ authUserId: "diego", userId: created.userPrincipalName! })).toEqual({ ok: true, data: undefined });
    expect(await delegated.users.getUser({ authUserId: "diego", userId: created.id })).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("createUser without the User Administrator role: Authorization_RequestDenied in the result", async () => {
    const r = await delegated.users.createUser({ authUserId: "adele", user: newUser("client.denied") });
    expect(r).toMatchObject({ ok: false, error: { code: "Authorization_RequestDenied", status: 403 } });
  });

  it("getManager of another user and of the caller", async () => {
    expect(data(await delegated.users.getManager({ authUserId: "megan", userId: CONTOSO.adele.id })).id).toBe(LEE.id);
    expect(data(await delegated.users.getManager({ authUserId: "adele", select: ["displayName"] })).displayName).toBe("Lee Gu");
  });

  it("listDirectReports", async () => {
    const reports = data(await delegated.users.listDirectReports({ authUserId: "adele", userId: LEE.upn }));
    expect(reports.value.map((u) => u.id)).toEqual(expect.arrayContaining([CONTOSO.adele.id, ISAIAH_ID]));
  });

  it("listMemberOf", async () => {
    const groups = data(await delegated.users.listMemberOf({ authUserId: "adele" }));
    expect(groups.value.map((g) => g.displayName)).toEqual(expect.arrayContaining(["Retail", "Contoso Security Readers"]));
  });
});

describe("Users, application permissions (no authUserId)", () => {
  it("getUser, listUsers, getManager, listDirectReports, listMemberOf", async () => {
    expect(data(await daemon.users.getUser({ userId: CONTOSO.adele.upn })).id).toBe(CONTOSO.adele.id);
    expect(data(await daemon.users.listUsers({ filter: `id eq '${CONTOSO.megan.id}'` })).value).toHaveLength(1);
    expect(data(await daemon.users.getManager({ userId: CONTOSO.adele.id })).id).toBe(LEE.id);
    expect(data(await daemon.users.listDirectReports({ userId: LEE.id })).value.length).toBeGreaterThanOrEqual(2);
    expect(data(await daemon.users.listMemberOf({ userId: CONTOSO.adele.id })).value.length).toBeGreaterThanOrEqual(1);
  });

  it("createUser, updateUser, deleteUser", async () => {
    const created = data(await daemon.users.createUser({ user: newUser("client.daemon") }));
    expect((await daemon.users.updateUser({ userId: created.id, changes: { department: "Ops" } })).ok).toBe(true);
    expect(data(await daemon.users.getUser({ userId: created.id, select: ["department"] })).department).toBe("Ops");
    expect((await daemon.users.deleteUser({ userId: created.id })).ok).toBe(true);
  });

  it("the token has roles, not scopes; application calls need a userId", async () => {
    const claims = decodeJwt(await daemon.getAppAccessToken());
    expect(claims).toMatchObject({ idtyp: "app", tid: CONTOSO.id });
    expect(claims.roles).toEqual(expect.arrayContaining(["User.ReadWrite.All"]));
    await expect(daemon.users.getUser({ userId: "" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(daemon.users.getSignedInUser({ authUserId: "" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(delegated.users.getUser({ userId: CONTOSO.adele.id })).rejects.toThrow(/appTenantId is not set/);
  });

  it("an application without the permission: Authorization_RequestDenied in the result", async () => {
    const app = await registerApp(emu, { application: ["Calendars.Read"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    expect(await client.users.listUsers()).toMatchObject({ ok: false, error: { code: "Authorization_RequestDenied", status: 403 } });
  });

  it("the application token is cached and reused until 5 minutes before expiry", async () => {
    const app = await registerApp(emu, { application: ["User.Read.All"], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    const first = await client.getAppAccessToken();
    expect(await client.getAppAccessToken()).toBe(first);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 50 * 60_000);
    expect(await client.getAppAccessToken()).toBe(first);
    vi.setSystemTime(Date.now() + 6 * 60_000);
    expect(await client.getAppAccessToken()).not.toBe(first);
    vi.useRealTimers();
  });

  it("clearAppTokenCache() makes permissions granted since the token was cached take effect", async () => {
    const app = await registerApp(emu, { application: [], adminConsent: true });
    const client = emulatorClient(emu, app, { appTenantId: CONTOSO.id });
    expect(await client.users.getUser({ userId: CONTOSO.adele.id })).toMatchObject({ ok: false, error: { code: "Authorization_RequestDenied" } });
    // An administrator grants User.Read.All to the app's service principal in the tenant.
    await emu.admin.setAppRoles(CONTOSO.id, app.appId, ["User.Read.All"]);
    expect(await client.users.getUser({ userId: CONTOSO.adele.id })).toMatchObject({ ok: false, error: { code: "Authorization_RequestDenied" } });
    client.clearAppTokenCache();
    expect(await client.users.getUser({ userId: CONTOSO.adele.id })).toMatchObject({ ok: true, data: { id: CONTOSO.adele.id } });
  });
});
