import type { WireResponse } from "../http.ts";
import type { ContractTarget } from "../target.ts";

/**
 * Moves the target's clock by `duration` (ISO 8601, e.g. "PT15M"), sends `request`, and sets the
 * clock back to now whatever happens, so the cases after it see the present.
 */
export async function afterClockMoves(t: ContractTarget, duration: string, request: () => Promise<WireResponse>): Promise<WireResponse> {
  await t.admin!.advanceClock(duration);
  try {
    return await request();
  } finally {
    await t.admin!.setClock(new Date());
  }
}
