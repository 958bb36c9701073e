import type { WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";

/** One documented error path, as data: how to cause it and what the wire must say. */
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
  /** Cases that need the emulator's control plane (clock, revocation) cannot run live. */
  needsControlPlane?: boolean;
  run(t: ContractTarget): Promise<WireResponse>;
}
