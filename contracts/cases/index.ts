import { BATCH_CASES } from "./batch-cases.ts";
import { CALENDAR_CASES } from "./calendar-cases.ts";
import { CALENDAR_DELTA_CASES } from "./calendar-delta-cases.ts";
import { ENTRA_AUTHORIZE_CASES } from "./entra-authorize-cases.ts";
import { ENTRA_CASES } from "./entra-cases.ts";
import { ENTRA_GRANT_CASES } from "./entra-grant-cases.ts";
import { GRAPH_CASES } from "./graph-cases.ts";
import { GRAPH_SERVICE_CASES } from "./graph-service-cases.ts";
import { STORAGE_CASES } from "./storage-cases.ts";
import { SUBSCRIPTION_CASES } from "./subscription-cases.ts";
import type { ErrorCase } from "./types.ts";

/** Every contract case, Entra first. A new case goes into the list of its area. */
export const ALL_CASES: readonly ErrorCase[] = [
  ...ENTRA_CASES,
  ...ENTRA_GRANT_CASES,
  ...ENTRA_AUTHORIZE_CASES,
  ...GRAPH_CASES,
  ...GRAPH_SERVICE_CASES,
  ...CALENDAR_CASES,
  ...CALENDAR_DELTA_CASES,
  ...SUBSCRIPTION_CASES,
  ...BATCH_CASES,
  ...STORAGE_CASES,
];
