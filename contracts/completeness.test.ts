import { describe, expect, it } from "vitest";
import { EntraError } from "../emulator/src/errors/entra-error.ts";
import { GraphError } from "../emulator/src/errors/graph-error.ts";
import { ALL_CASES } from "./cases/index.ts";
import type { ErrorCase } from "./cases/types.ts";
import { CATALOGUES, catalogueKeys, completeness, type Catalogue } from "./catalogue.ts";

/**
 * Every error the emulator's catalogues can build has a contract case, and
 * every case asserts an error some catalogue builds. Entra errors are keyed
 * by AADSTS number and `error`; Graph errors by status and `error.code`.
 */
describe("contract completeness", () => {
  it("every catalogue entry has a case and every case asserts a catalogue entry", () => {
    expect(completeness(CATALOGUES, ALL_CASES)).toEqual({ uncovered: [], unknown: [] });
  });

  it("case ids are unique", () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("covers every AADSTS code and every Graph code the catalogues hold", () => {
    const aadsts = new Set([...catalogueKeys(CATALOGUES.entra, "entra").keys()].map((k) => k.split(" ")[0]));
    const graphCodes = new Set([...catalogueKeys(CATALOGUES.graph, "graph").keys()].map((k) => k.split(" ")[1]));
    expect(aadsts.size + graphCodes.size).toBeGreaterThanOrEqual(55);
    expect(new Set(ALL_CASES.filter((c) => c.wire === "entra").map((c) => `AADSTS${c.aadsts}`))).toEqual(aadsts);
    expect(new Set(ALL_CASES.filter((c) => c.wire === "graph").map((c) => c.code))).toEqual(graphCodes);
  });

  describe("on a fixture catalogue", () => {
    const entra: Catalogue = {
      known: () => new EntraError({ status: 400, error: "invalid_request", aadsts: 900144, description: "x" }),
      dated: (when: Date) => new EntraError({ status: 400, error: "invalid_grant", aadsts: 700082, description: when.toISOString() }),
    } as unknown as Catalogue;
    const graph: Catalogue = { notFound: (id: string) => new GraphError(404, "ErrorItemNotFound", `no ${id}`) } as unknown as Catalogue;
    const run = () => Promise.reject(new Error("not run"));
    const cases: ErrorCase[] = [
      { id: "a", wire: "entra", title: "a", status: 400, code: "invalid_request", aadsts: 900144, message: /x/, run },
      { id: "b", wire: "entra", title: "b", status: 400, code: "invalid_grant", aadsts: 700082, message: /x/, run },
      { id: "c", wire: "graph", title: "c", status: 404, code: "ErrorItemNotFound", message: /x/, run },
    ];

    it("passes when each entry has a case", () => {
      expect(completeness({ entra, graph }, cases)).toEqual({ uncovered: [], unknown: [] });
    });

    it("fails when a catalogue entry is added without a case", () => {
      const added = { ...entra, newOne: () => new EntraError({ status: 401, error: "invalid_client", aadsts: 7000229, description: "x" }) } as unknown as Catalogue;
      const addedGraph = { ...graph, gone: () => new GraphError(410, "Gone", "x") } as unknown as Catalogue;
      expect(completeness({ entra: added, graph: addedGraph }, cases)).toEqual({
        uncovered: ["AADSTS7000229 invalid_client (newOne)", "410 Gone (gone)"],
        unknown: [],
      });
    });

    it("fails when a case asserts a code the catalogues lack", () => {
      const stray: ErrorCase = { id: "stray", wire: "entra", title: "stray", status: 400, code: "invalid_request", aadsts: 12345, message: /x/, run };
      const wrongError: ErrorCase = { ...cases[0]!, id: "wrong-error", code: "invalid_grant" };
      expect(completeness({ entra, graph }, [...cases, stray, wrongError]).unknown).toEqual([
        "stray: AADSTS12345 invalid_request",
        "wrong-error: AADSTS900144 invalid_grant",
      ]);
    });
  });
});
