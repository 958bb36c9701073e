import type { ContractTarget } from "../target.ts";

/**
 * A check of ordinary (non-error) Graph behaviour that runs against the
 * emulator and, unless marked otherwise, against live Microsoft too: the
 * contract suite's counterpart of moto's `aws_verified`. `check` resolves
 * with the differences it found; empty means the behaviour matches.
 */
export interface BehaviourCheck {
  id: string;
  title: string;
  area: string;
  /** Why it cannot run against Microsoft; leave unset for a live-verified check. */
  notLive?: string;
  needsControlPlane?: boolean;
  check(t: ContractTarget): Promise<string[]>;
}
