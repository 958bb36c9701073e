import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_BEHAVIOUR } from "./behaviour/index.ts";
import { ALL_CASES } from "./cases/index.ts";
import { areaOf, liveReason } from "./cases/types.ts";
import { differences } from "./check.ts";
import { declaredBody, msalErrorClass } from "./msal-class.ts";
import { KNOWN_DIFFERENCES } from "./differences.ts";
import { ownEmulator } from "./own-emulator.ts";
import { resolveTarget, type ContractTarget } from "./target.ts";

/**
 * Every error path the emulator can produce, and the ordinary behaviour
 * checked live too, run against the target (the emulator by default; live
 * Microsoft with GRAPH_CONTRACT_TARGET=live; `npm run test:contracts:live`
 * runs the same with a per-case report).
 */
let target: ContractTarget;
let close = async () => {};
beforeAll(async () => {
  if (process.env.GRAPH_CONTRACT_TARGET === "live") {
    target = await resolveTarget();
    return;
  }
  const own = await ownEmulator();
  close = own.close;
  target = await resolveTarget(own.env);
});
afterAll(() => close());

const areas = [...new Set(ALL_CASES.map(areaOf))];

describe.each(areas)("%s error paths", (area) => {
  for (const c of ALL_CASES.filter((x) => areaOf(x) === area)) {
    const difference = KNOWN_DIFFERENCES.find((d) => d.caseId === c.id);
    it(`${c.id}: ${c.title} -> ${c.status} ${c.code}${c.aadsts ? ` AADSTS${c.aadsts}` : ""}`, async (ctx) => {
      const notLive = liveReason(c);
      if (notLive && target.kind === "live") ctx.skip(`${c.id} ${notLive}`);
      if (difference && target.kind === "live") ctx.skip(`known difference: ${difference.reason}`);
      const res = await c.run(target);
      expect(differences(c, res), JSON.stringify(res.body).slice(0, 500)).toEqual([]);
      // The class real MSAL raises for the real answer is the one the listing names (from the case's data).
      if (c.wire === "entra" && (c.shape ?? "json") === "json") expect(await msalErrorClass(res.status, res.body)).toBe(await msalErrorClass(c.status, declaredBody(c)));
    });
  }
});

describe("behaviour checked against Microsoft too", () => {
  for (const b of ALL_BEHAVIOUR) {
    it(`${b.id}: ${b.title}`, async (ctx) => {
      const notLive = liveReason(b);
      if (notLive && target.kind === "live") ctx.skip(`${b.id} ${notLive}`);
      expect(await b.check(target)).toEqual([]);
    });
  }
});
