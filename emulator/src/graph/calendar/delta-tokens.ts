import type { Request } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { decodeSkipToken, encodeSkipToken } from "../odata/index.ts";
import { queryOption } from "./query.ts";

/**
 * The state tokens of calendarView delta, opaque to clients: a `$deltatoken`
 * names the sync state a round diffs against, a `$skiptoken` names a round's
 * state and how far its answer has been sent. The window and the calendar are
 * in the state, so the links carry nothing else (concepts/delta-query-events.md).
 */

const KIND = "calendarView";

export type DeltaToken = { kind: "delta"; state: string; generation: number } | { kind: "skip"; state: string; generation: number; offset: number };

export function encodeDeltaToken(state: string, generation: number): string {
  return encodeSkipToken({ k: KIND, t: "d", s: state, g: generation });
}

export function encodeSkipTokenOf(state: string, generation: number, offset: number): string {
  return encodeSkipToken({ k: KIND, t: "s", s: state, g: generation, o: offset });
}

/** The token the request carries, or null for the first request of a first round; 400 for one this service did not issue. */
export function readDeltaToken(req: Request): DeltaToken | null {
  const skip = queryOption(req, "skiptoken");
  const delta = queryOption(req, "deltatoken");
  if (skip !== undefined && delta !== undefined) throw graphErrors.syncStateInvalid("$deltatoken");
  const text = skip ?? delta;
  if (text === undefined) return null;
  const option = skip !== undefined ? "$skiptoken" : "$deltatoken";
  const p = decodeSkipToken(text);
  const wanted = skip !== undefined ? "s" : "d";
  if (!p || p.k !== KIND || p.t !== wanted || typeof p.s !== "string" || !Number.isSafeInteger(p.g)) throw graphErrors.syncStateInvalid(option);
  if (wanted === "d") return { kind: "delta", state: p.s, generation: p.g as number };
  if (!Number.isSafeInteger(p.o) || (p.o as number) < 0) throw graphErrors.syncStateInvalid(option);
  return { kind: "skip", state: p.s, generation: p.g as number, offset: p.o as number };
}

/** Query options delta cannot track: $select, $filter, $orderby, $expand, $search; and $top (pages come from Prefer). */
export function refuseUntrackedOptions(req: Request): void {
  for (const name of ["select", "filter", "orderby", "expand", "search"]) if (queryOption(req, name) !== undefined) throw graphErrors.deltaQueryNotSupported();
  if (queryOption(req, "top") !== undefined) throw graphErrors.deltaTopNotSupported();
}
