import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/src/server.ts";
import { CONTOSO } from "../../support/emulator.ts";
import { userToken } from "../../support/graph.ts";
import { eventBody, graphHttp, USERS } from "../calendar/support.ts";
import { inMinutes, Receiver } from "./support.ts";

/**
 * Subscriptions on the file-backed store: one made before a restart is there
 * after it, with its clientState, delivers the next change, and can be
 * deleted; the deletion lasts through the next restart.
 */
const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
const dataDir = mkdtempSync(join(tmpdir(), "graph-emulator-subscriptions-restart-"));
for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dataDir, f));
let emu: RunningEmulator | undefined;
let receiver: Receiver | undefined;
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function restart(): Promise<RunningEmulator> {
  await emu?.close();
  emu = await startEmulator({ port: 0, dataDir, quiet: true });
  return emu;
}

describe("subscriptions across restarts", () => {
  it("survive a restart and deliver after it", async () => {
    receiver = await Receiver.start();
    let e = await restart();
    const token = await userToken(e, CONTOSO.id, USERS.adele, ["Calendars.ReadWrite"]);
    const adele = () => graphHttp(e, token);
    const created = await adele()("POST", "/subscriptions", {
      changeType: "created",
      notificationUrl: receiver.url("/kept"),
      resource: "me/events",
      expirationDateTime: inMinutes(e.clock.nowMs(), 600),
      clientState: "kept-state",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    e = await restart();
    const got = await adele()("GET", `/subscriptions/${created.body.id}`);
    expect(got.status).toBe(200);
    // The port (in @odata.context) changes with each start; everything else is as it was.
    const { "@odata.context": _before, ...stored } = created.body;
    const { "@odata.context": _after, ...loaded } = got.body;
    expect(loaded).toEqual(stored);
    const made = await adele()("POST", "/me/events", eventBody("After restart", "2030-07-01T10:00:00", "2030-07-01T11:00:00"));
    expect(made.status).toBe(201);
    const [note] = await receiver.waitFor(1, "/kept");
    expect(note?.json.value).toMatchObject([{ subscriptionId: created.body.id, changeType: "created", clientState: "kept-state", resourceData: { id: made.body.id } }]);
    expect((await adele()("DELETE", `/subscriptions/${created.body.id}`)).status).toBe(204);

    e = await restart();
    expect((await adele()("GET", `/subscriptions/${created.body.id}`)).status).toBe(404);
  }, 60_000);

  it("a state folder written before subscriptions existed starts without them", async () => {
    await emu?.close();
    const file = join(dataDir, "state", "tenants", CONTOSO.id, "subscriptions.json");
    expect(existsSync(file)).toBe(true);
    rmSync(file);
    const e = await restart();
    const adele = graphHttp(e, await userToken(e, CONTOSO.id, USERS.adele, ["Calendars.Read"]));
    expect((await adele("GET", "/subscriptions")).body.value).toEqual([]);
    const made = await adele("POST", "/subscriptions", {
      changeType: "updated",
      notificationUrl: receiver!.url("/again"),
      resource: "me/events",
      expirationDateTime: inMinutes(e.clock.nowMs(), 60),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }, 60_000);
});
