import { CALENDAR_BEHAVIOUR } from "./calendar.ts";
import type { BehaviourCheck } from "./types.ts";

/** Every behaviour check; the live runner runs them after the error cases. */
export const ALL_BEHAVIOUR: readonly BehaviourCheck[] = [...CALENDAR_BEHAVIOUR];
