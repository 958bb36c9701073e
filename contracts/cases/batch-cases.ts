import { randomUUID } from "node:crypto";
import { appToken, graph, type WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";
import type { ErrorCase } from "./types.ts";

const AREA = "Graph: JSON batching";

/** POST /$batch with an app token. */
async function batch(t: ContractTarget, requests: unknown[]): Promise<WireResponse> {
  return graph(t, "POST", "/$batch", { token: await appToken(t), body: { requests } });
}

/** A user that exists nowhere: GET answers 404. */
const nobody = () => `/users/${randomUUID()}`;

/** The batch's own refusals (400 for the whole batch) and the 424 a request gets when the one it depends on failed. */
export const BATCH_CASES: ErrorCase[] = [
  {
    id: "batch-400-too-many",
    wire: "graph", area: AREA, source: "concepts/json-batching.md (the limit of 20 requests); the wording is the emulator's own",
    title: "a batch of 21 requests",
    status: 400, code: "BadRequest",
    message: /^Batch request exceeds the maximum number of 20 requests\.$/,
    run: (t) => batch(t, Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: "GET", url: "/users?$top=1" }))),
  },
  {
    id: "batch-400-duplicate-id",
    wire: "graph", area: AREA, source: 'msgraph-sdk-java#559 and msgraph-sdk-javascript#433 (full JSON, 400 BadRequest); microsoft-graph-docs#4449 (ids "a" and "A" are the same id)',
    title: "two requests whose ids differ only in case",
    status: 400, code: "BadRequest",
    message: /^Request Id A has to be unique in a batch\.$/,
    run: (t) => batch(t, [{ id: "a", method: "GET", url: "/users?$top=1" }, { id: "A", method: "GET", url: "/users?$top=1" }]),
  },
  {
    id: "batch-400-write-without-content-type",
    wire: "graph", area: AREA, source: "msgraph-sdk-dotnet#2628 (a POST step without Content-Type or body, 2024); concepts/json-batching.md (a body needs Content-Type)",
    title: "a POST in a batch with a body and no Content-Type header",
    status: 400, code: "BadRequest",
    message: /^Write request id : 1 does not contain Content-Type header or body\.$/,
    run: (t) => batch(t, [{ id: "1", method: "POST", url: "/users", body: { displayName: "Never made" } }]),
  },
  {
    id: "batch-400-invalid-dependency",
    wire: "graph", area: AREA, source: 'msgraph-sdk-dotnet-core#891 ("Invalid dependency for request Id..." for a dependency not earlier in the batch)',
    title: "a request depending on one later in the batch",
    status: 400, code: "BadRequest",
    message: /^Invalid dependency for request Id 1\./,
    run: (t) => batch(t, [{ id: "1", method: "GET", url: "/users?$top=1", dependsOn: ["2"] }, { id: "2", method: "GET", url: "/users?$top=1" }]),
  },
  {
    id: "batch-400-mixed-dependencies",
    wire: "graph", area: AREA, source: "microsoft-graph-docs-contrib#2339 (the 400 and its text); concepts/json-batching.md (the tip)",
    title: "a batch neither parallel nor sequential",
    status: 400, code: "BadRequest",
    message: /^Batch should be either fully sequential or fully parallel\.$/,
    run: (t) =>
      batch(t, [
        { id: "1", method: "GET", url: "/users?$top=1" },
        { id: "2", method: "GET", url: "/users?$top=1" },
        { id: "3", method: "GET", url: "/users?$top=1", dependsOn: ["2"] },
      ]),
  },
  {
    id: "batch-424-failed-dependency",
    wire: "graph", area: AREA, source: "concepts/json-batching.md (424 Failed Dependency); the code and wording are the emulator's own",
    title: "the request in a batch that depends on a failed one (its entry in the batch's answer)",
    status: 424, code: "FailedDependency",
    message: /^Request Id 2 was not run: the request it depends on \(Request Id 1\) failed\.$/,
    run: async (t) => {
      const res = await batch(t, [{ id: "1", method: "GET", url: nobody() }, { id: "2", method: "GET", url: "/users?$top=1", dependsOn: ["1"] }]);
      const item = (res.body.responses as { id: string; status: number; headers?: Record<string, string>; body?: Record<string, unknown> }[] | undefined)?.find((r) => r.id === "2");
      if (res.status !== 200 || !item) return res;
      return { status: item.status, headers: new Headers(item.headers ?? {}), body: item.body ?? {} };
    },
  },
];
