import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateEncryptionKey, LowdbTokenStore } from "../../src/index.ts";
import { CONTOSO, emulatorClient, registerApp, signInAs, startTestEmulator, type RegisteredApp, type TestEmulator } from "../helpers.ts";

let emu: TestEmulator;
let app: RegisteredApp;
beforeAll(async () => {
  emu = await startTestEmulator();
  app = await registerApp(emu, { delegated: ["User.Read"] });
});
afterAll(async () => {
  await emu.close();
});
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "msfn-upgrade-"));
  dirs.push(dir);
  return join(dir, "tokens.json");
}

/** The refresh token MSAL stored for a user, read from a plaintext file. */
function refreshTokenIn(text: string, userId: string): string {
  const cache = JSON.parse(JSON.parse(text).users[userId].cache) as { RefreshToken: Record<string, { secret: string }> };
  return Object.values(cache.RefreshToken)[0]!.secret;
}

describe("lowdb store: upgrading a plaintext token file to an encrypted one", () => {
  it("a file written without a key loads with one, is encrypted at open, and its users keep working", async () => {
    const file = tempFile();
    const plain = emulatorClient(emu, app, {}, { tokenStore: await LowdbTokenStore.open(file) });
    await signInAs(plain, emu, { userId: "veteran", user: CONTOSO.megan });
    const before = readFileSync(file, "utf8");
    const rt = refreshTokenIn(before, "veteran");
    expect(rt.length).toBeGreaterThan(20);

    const key = generateEncryptionKey();
    const store = await LowdbTokenStore.open(file, { encryptionKey: key });
    const after = readFileSync(file, "utf8");
    expect(after).not.toContain(rt);
    expect(after).not.toContain(CONTOSO.megan.upn);
    expect(JSON.parse(after).users.veteran).toMatchObject({ version: expect.any(Number), sealed: expect.stringMatching(/^enc1\./) });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const upgraded = emulatorClient(emu, app, {}, { tokenStore: store });
    expect(await upgraded.users.getSignedInUser({ authUserId: "veteran" })).toMatchObject({ ok: true, data: { id: CONTOSO.megan.id } });
    await upgraded.getUserAccessToken("veteran", { forceRefresh: true });
    expect(readFileSync(file, "utf8")).not.toMatch(/"secret"|RefreshToken/);

    // Reopened with the key it works; without it the error says what to do, and the file is untouched.
    const reopened = emulatorClient(emu, app, {}, { tokenStore: await LowdbTokenStore.open(file, { encryptionKey: key }) });
    expect(await reopened.users.getSignedInUser({ authUserId: "veteran" })).toMatchObject({ ok: true });
    const sealed = readFileSync(file, "utf8");
    await expect(LowdbTokenStore.open(file)).rejects.toMatchObject({ code: "EncryptionKeyMissing", message: expect.stringContaining("open it with options.encryptionKey") });
    expect(readFileSync(file, "utf8")).toBe(sealed);
  });
});
