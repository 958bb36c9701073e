import { beforeAll, describe, expect, it } from "vitest";
import { ENTRA_CASES } from "./cases/entra-cases.ts";
import { GRAPH_CASES } from "./cases/graph-cases.ts";
import type { ErrorCase } from "./cases/types.ts";
import { KNOWN_DIFFERENCES } from "./differences.ts";
import { resolveTarget, type ContractTarget } from "./target.ts";

/**
 * Every documented Entra and Graph error path, run against the target
 * (the emulator by default; live Microsoft with GRAPH_CONTRACT_TARGET=live).
 */
let target: ContractTarget;
beforeAll(async () => {
  target = await resolveTarget();
});

function checkEntra(c: ErrorCase, body: Record<string, unknown>): void {
  expect(body.error).toBe(c.code);
  expect((body.error_codes as number[])[0]).toBe(c.aadsts);
  expect(body.suberror ?? null).toBe(c.suberror ?? null);
  const description = String(body.error_description);
  const prefix = `AADSTS${c.aadsts}: `;
  expect(description.startsWith(prefix)).toBe(true);
  expect(description.slice(prefix.length).split("\r\n")[0]).toMatch(c.message);
  for (const field of ["timestamp", "trace_id", "correlation_id", "error_uri"]) expect(body[field], field).toBeTruthy();
}

function checkGraph(c: ErrorCase, body: Record<string, unknown>): void {
  const error = body.error as { code: string; message: string; innerError: Record<string, string> };
  expect(error.code).toBe(c.code);
  expect(error.message).toMatch(c.message);
  expect(error.innerError["request-id"]).toBeTruthy();
  expect(error.innerError.date).toBeTruthy();
}

describe.each([
  ["Entra ID", ENTRA_CASES],
  ["Microsoft Graph", GRAPH_CASES],
])("%s error paths", (_name, cases) => {
  for (const c of cases) {
    const difference = KNOWN_DIFFERENCES.find((d) => d.caseId === c.id);
    it(`${c.id}: ${c.title} -> ${c.status} ${c.code}${c.aadsts ? ` AADSTS${c.aadsts}` : ""}`, async (ctx) => {
      if (c.needsControlPlane && !target.admin) ctx.skip(`${c.id} needs the emulator's control plane`);
      if (difference && target.kind === "live") ctx.skip(`known difference: ${difference.reason}`);
      const res = await c.run(target);
      expect(res.status, JSON.stringify(res.body)).toBe(c.status);
      if (c.wire === "entra") checkEntra(c, res.body);
      else checkGraph(c, res.body);
      expect(res.headers.get("www-authenticate") !== null).toBe(c.wire === "graph" && c.status === 401 && c.code === "InvalidAuthenticationToken");
    });
  }
});
