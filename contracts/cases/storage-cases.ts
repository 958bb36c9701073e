import { toWire, type WireResponse } from "../http.ts";
import type { ErrorCase } from "./types.ts";
import { startTestEmulator } from "../../test/support/emulator.ts";
import { FaultyFs } from "../../test/support/faulty-fs.ts";

const STORAGE = "Storage (emulator only)";
const NOT_LIVE = "needs the emulator's own disk to refuse a write";

/**
 * Runs `cause` against an emulator of its own whose state folder refuses appends with `code`
 * (a file layer that fails on demand: the store's real append, cut-back and roll-back run), set
 * up with `prepare` while the disk still works.
 */
async function withRefusingDisk<T>(code: string, prepare: (base: string) => Promise<T>, cause: (base: string, prepared: T) => Promise<Response>): Promise<WireResponse> {
  const fs = new FaultyFs();
  const emu = await startTestEmulator({ inMemory: false }, { storeFs: fs, storeReport: () => undefined });
  try {
    const prepared = await prepare(emu.baseUrl);
    fs.set({ op: "append", code, partial: true });
    return await toWire(await cause(emu.baseUrl, prepared));
  } finally {
    fs.clear();
    await emu.close();
  }
}

/** A new confidential app with the given permissions, admin-consented, in the fixture tenant Contoso. */
async function newApp(base: string, permissions: { delegated?: string[]; application?: string[] }): Promise<{ appId: string; secret: string; tenant: string }> {
  const tenant = "contoso.onmicrosoft.com";
  const res = await fetch(`${base}/_emulator/tenants/${tenant}/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName: "Storage contract", delegatedPermissions: permissions.delegated ?? [], applicationPermissions: permissions.application ?? [], adminConsent: true }),
  });
  const app = (await res.json()) as { appId: string; clientSecret: string };
  return { appId: app.appId, secret: app.clientSecret, tenant };
}

const form = (params: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params) });

/** What the emulator answers when its state folder refuses a write: nothing acknowledged, each surface in its own format. */
export const STORAGE_CASES: ErrorCase[] = [
  {
    id: "graph-507-disk-full",
    wire: "graph", area: STORAGE,
    title: "a Graph write while the state folder is full",
    status: 507, code: "quotaLimitReached",
    message: /^The change was not saved: the emulator's state folder is out of space \(ENOSPC.*\)\. Nothing was changed; free some space and retry\.$/,
    notLive: NOT_LIVE,
    run: () =>
      withRefusingDisk(
        "ENOSPC",
        async (base) => {
          const app = await newApp(base, { application: ["User.ReadWrite.All"] });
          const token = await fetch(`${base}/${app.tenant}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: app.appId, client_secret: app.secret, scope: "https://graph.microsoft.com/.default" }));
          return ((await token.json()) as { access_token: string }).access_token;
        },
        (base, token) =>
          fetch(`${base}/v1.0/users/87d349ed-44d7-43e1-9a83-5f2406dee5bd`, {
            method: "PATCH",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ jobTitle: "Never saved" }),
          }),
      ),
  },
  {
    id: "entra-90033-storage",
    wire: "entra", area: STORAGE,
    title: "a token whose refresh token cannot be saved",
    status: 503, code: "temporarily_unavailable", aadsts: 90033, suberror: null,
    message: /^A transient error has occurred\. Please try again\. \(The emulator could not save the change: EROFS.*\)$/,
    notLive: NOT_LIVE,
    run: () =>
      withRefusingDisk(
        "EROFS",
        (base) => newApp(base, { delegated: ["User.Read"] }),
        (base, app) =>
          fetch(
            `${base}/${app.tenant}/oauth2/v2.0/token`,
            form({ grant_type: "password", client_id: app.appId, client_secret: app.secret, username: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!", scope: "User.Read offline_access" }),
          ),
      ),
  },
];
