import type { WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";

/**
 * One documented error path, as data: how to cause it and what the wire must
 * say. Adding a case for a new catalogue entry is one entry in a case list
 * (contracts/cases/*.ts): id, wire, title, status, code (+ aadsts for Entra),
 * message and run; everything else has a default.
 */
export interface ErrorCase {
  id: string;
  wire: "entra" | "graph";
  title: string;
  status: number;
  /** Entra `error`, or Graph `error.code`. */
  code: string;
  /** Entra only: the AADSTS number and the `suberror` (null when Entra sends none). */
  aadsts?: number;
  suberror?: string | null;
  /** The message: Entra's description after "AADSTSnnnn: ", or Graph's `error.message`. */
  message: RegExp;
  /** Cases that need the emulator's control plane (clock, revocation, faults) cannot run live. */
  needsControlPlane?: boolean;
  /** Why the case cannot run against live Microsoft for another reason (a second tenant, destructive...). */
  notLive?: string;
  /**
   * Entra only: where the error reaches the caller. "json" (default) is the
   * token endpoint's body; "redirect" the authorize redirect's query; "page"
   * Entra's own error page (no redirect, the app never sees it).
   */
  shape?: "json" | "redirect" | "page";
  /** The listing's group; defaults to "Entra ID" or "Graph: authentication". */
  area?: string;
  /** Where Microsoft's wording comes from; defaults to the catalogue entry's `Source:` comment. */
  source?: string;
  run(t: ContractTarget): Promise<WireResponse>;
}

/** Whether a case can run against live Microsoft, and if not, why. */
export function liveReason(c: { needsControlPlane?: boolean; notLive?: string }): string | null {
  if (c.needsControlPlane) return "needs the emulator's control plane to cause it";
  return c.notLive ?? null;
}

export function areaOf(c: ErrorCase): string {
  return c.area ?? (c.wire === "entra" ? "Entra ID" : "Graph: authentication");
}
