import type { BehaviourCheck } from "./behaviour/types.ts";
import { liveReason, type ErrorCase } from "./cases/types.ts";
import { differences } from "./check.ts";
import { KNOWN_DIFFERENCES } from "./differences.ts";
import type { ContractTarget } from "./target.ts";

export type Outcome =
  | { id: string; title: string; result: "passed" }
  | { id: string; title: string; result: "differs"; differences: string[]; accepted?: string }
  | { id: string; title: string; result: "not runnable live"; reason: string };

/** What a live run runs: error cases, and behaviour checks marked to run live. */
export type LiveItem = ErrorCase | BehaviourCheck;

/** Which cases a live run would run, and why the others cannot. */
export function livePlan(cases: readonly LiveItem[]): { runs: LiveItem[]; notRunnable: { c: LiveItem; reason: string }[] } {
  const runs: LiveItem[] = [];
  const notRunnable: { c: LiveItem; reason: string }[] = [];
  for (const c of cases) {
    const reason = liveReason(c);
    if (reason) notRunnable.push({ c, reason });
    else runs.push(c);
  }
  return { runs, notRunnable };
}

/**
 * Runs every live-runnable case against the target, one at a time (live
 * tenants throttle), and says per case: passed, differs (with each
 * difference; accepted ones with their reason), or not runnable live.
 */
export async function runLive(target: ContractTarget, cases: readonly LiveItem[], onOutcome: (o: Outcome) => void = () => {}): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cases) {
    let outcome: Outcome;
    const reason = liveReason(c);
    if (reason) {
      outcome = { id: c.id, title: c.title, result: "not runnable live", reason };
    } else {
      let diffs: string[];
      try {
        diffs = "check" in c ? await c.check(target) : differences(c, await c.run(target));
      } catch (err) {
        diffs = [`the case could not run: ${err instanceof Error ? err.message : String(err)}`];
      }
      const accepted = KNOWN_DIFFERENCES.find((d) => d.caseId === c.id)?.reason;
      outcome =
        diffs.length === 0
          ? { id: c.id, title: c.title, result: "passed" }
          : { id: c.id, title: c.title, result: "differs", differences: diffs, ...(accepted ? { accepted } : {}) };
    }
    out.push(outcome);
    onOutcome(outcome);
  }
  return out;
}

export function formatOutcome(o: Outcome): string {
  if (o.result === "passed") return `passed             ${o.id}: ${o.title}`;
  if (o.result === "not runnable live") return `not runnable live  ${o.id}: ${o.reason}`;
  const head = `${o.accepted ? "differs (accepted)" : "DIFFERS           "} ${o.id}: ${o.title}`;
  return [head, ...(o.accepted ? [`    accepted: ${o.accepted}`] : []), ...o.differences.map((d) => `    ${d}`)].join("\n");
}

export function summary(outcomes: readonly Outcome[]): { passed: number; differs: number; accepted: number; notRunnable: number } {
  return {
    passed: outcomes.filter((o) => o.result === "passed").length,
    differs: outcomes.filter((o) => o.result === "differs" && !o.accepted).length,
    accepted: outcomes.filter((o) => o.result === "differs" && o.accepted).length,
    notRunnable: outcomes.filter((o) => o.result === "not runnable live").length,
  };
}
