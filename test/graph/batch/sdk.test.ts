import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchRequestContent as SdkBatch, BatchResponseContent as SdkBatchResponse, type BatchRequestStep } from "@microsoft/microsoft-graph-client";
import type { AuthenticationProvider, RequestInformation } from "@microsoft/kiota-abstractions";
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from "@microsoft/msgraph-sdk";
import { BatchRequestContent as KiotaBatch } from "@microsoft/msgraph-sdk-core";
import { createODataErrorFromDiscriminatorValue, type ODataError } from "@microsoft/msgraph-sdk/models/oDataErrors/index.js";
import "@microsoft/msgraph-sdk-users";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { appToken, graphClient, userToken } from "../../support/graph.ts";

/**
 * JSON batching through Microsoft's SDKs: the Graph JS SDK 3's
 * BatchRequestContent/BatchResponseContent, and the Kiota-based SDK's
 * BatchRequestContent (@microsoft/msgraph-sdk-core) with its request adapter.
 */
let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => emu?.close());

const event = (subject: string) => ({
  subject,
  start: { dateTime: "2032-02-03T09:00:00", timeZone: "UTC" },
  end: { dateTime: "2032-02-03T09:30:00", timeZone: "UTC" },
});

describe("Graph JS SDK 3 (@microsoft/microsoft-graph-client)", () => {
  it("runs a mixed serial batch: a GET, a POST creating an event, a failing GET, and its dependent's 424", async () => {
    const token = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read", "User.ReadBasic.All", "Calendars.ReadWrite"]);
    const client = graphClient(emu, token);
    const url = (path: string) => `${emu.baseUrl}/v1.0${path}`;
    const steps: BatchRequestStep[] = [
      { id: "me", request: new Request(url("/me?$select=id,displayName"), { method: "GET" }) },
      {
        id: "create",
        request: new Request(url("/me/events"), { method: "POST", body: JSON.stringify(event("Planning (JS SDK batch)")), headers: { "Content-Type": "application/json" } }),
        dependsOn: ["me"],
      },
      { id: "missing", request: new Request(url("/users/nobody@contoso.onmicrosoft.com"), { method: "GET" }), dependsOn: ["create"] },
      { id: "after", request: new Request(url("/me"), { method: "GET" }), dependsOn: ["missing"] },
    ];
    const batch = new SdkBatch(steps);
    const answer = new SdkBatchResponse(await client.api("/$batch").post(await batch.getContent()));

    const me = answer.getResponseById("me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: CONTOSO.adele.id, displayName: "Adele Vance" });

    const created = answer.getResponseById("create");
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; subject: string };
    expect(body.subject).toBe("Planning (JS SDK batch)");
    // The event is in the store: the SDK reads it back alone.
    expect((await client.api(`/me/events/${body.id}`).select("subject").get()).subject).toBe("Planning (JS SDK batch)");

    const missing = answer.getResponseById("missing");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("Request_ResourceNotFound");

    const after = answer.getResponseById("after");
    expect(after.status).toBe(424);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("FailedDependency");
  });

  it("gets a 400 GraphError for a batch the SDK builds with a duplicate id in another case", async () => {
    const token = await userToken(emu, CONTOSO.id, CONTOSO.adele, ["User.Read"]);
    const client = graphClient(emu, token);
    const steps: BatchRequestStep[] = ["a", "A"].map((id) => ({ id, request: new Request(`${emu.baseUrl}/v1.0/me`) }));
    const err = (await client
      .api("/$batch")
      .post(await new SdkBatch(steps).getContent())
      .catch((e: unknown) => e)) as { statusCode: number; code: string; message: string };
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("BadRequest");
    expect(err.message).toBe("Request Id A has to be unique in a batch.");
  });
});

describe("Kiota-based SDK (@microsoft/msgraph-sdk with @microsoft/msgraph-sdk-core's BatchRequestContent)", () => {
  let client: GraphServiceClient;
  let adapter: GraphRequestAdapter;
  const errors = { XXX: createODataErrorFromDiscriminatorValue };

  beforeAll(async () => {
    const token = await appToken(emu, CONTOSO.id, ["User.Read.All", "Calendars.ReadWrite"]);
    const bearer: AuthenticationProvider = {
      authenticateRequest: async (request: RequestInformation) => {
        request.headers.add("Authorization", `Bearer ${token}`);
      },
    };
    adapter = new GraphRequestAdapter(bearer);
    adapter.baseUrl = `${emu.baseUrl}/v1.0`;
    client = createGraphServiceClient(adapter);
  });

  it("posts a serial batch and reads each request's status: 200, 404, then 424 for the dependent", async () => {
    const batch = new KiotaBatch(adapter, errors);
    batch.addBatchRequest(client.users.byUserId(CONTOSO.adele.id).toGetRequestInformation({ queryParameters: { select: ["id"] } }), "adele");
    const missing = batch.addBatchRequest(client.users.byUserId("nobody@contoso.onmicrosoft.com").toGetRequestInformation(), "missing");
    missing.dependsOn = ["adele"];
    const after = batch.addBatchRequest(client.users.byUserId(CONTOSO.megan.id).toGetRequestInformation(), "after");
    after.dependsOn = ["missing"];
    const answer = await batch.postAsync();
    expect(answer).toBeDefined();
    expect(Object.fromEntries(await answer!.getResponsesStatusCodes())).toEqual({ adele: 200, missing: 404, after: 424 });
    const adele = answer!.getResponseById("adele");
    expect(adele?.status).toBe(200);
    // This SDK version reads a response's body only when it is a base64 string; Graph's (and the emulator's) JSON bodies
    // are objects, so it keeps none (docs/clients.md).
    expect(adele?.body).toBeUndefined();
  });

  it("has its write steps refused as Graph refuses them: this SDK version sends them without Content-Type (a 400 ODataError)", async () => {
    // msgraph-sdk-core 1.0.0-preview.17 drops a step's headers (convertRequestInformationToBatchItem never copies them, and a
    // plain headers object serializes as {}), so a POST step reaches Graph with a body and no Content-Type.
    const batch = new KiotaBatch(adapter, errors);
    batch.addBatchRequest(client.users.byUserId(CONTOSO.adele.id).events.toPostRequestInformation(event("Kiota batch")), "create");
    const err = (await batch.postAsync().catch((e: unknown) => e)) as ODataError;
    expect(err.responseStatusCode).toBe(400);
    expect(err.errorEscaped).toMatchObject({ code: "BadRequest", message: "Write request id : create does not contain Content-Type header or body." });
  });
});
