/**
 * Differences from live Microsoft that the emulator accepts, as data. A live
 * run skips these cases and names the reason; the emulator run still checks
 * the emulator's documented behaviour.
 */
export interface KnownDifference {
  caseId: string;
  reason: string;
}

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    caseId: "graph-401-forged",
    reason: "Graph's message for a bad signature has changed over time; the emulator answers 'Access token validation failure.'",
  },
];
