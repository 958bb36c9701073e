import type { Request, Response } from "express";
import type { FaultEngine, FaultRule } from "./engine.ts";

/**
 * What an area's fault stage is given: the engine that holds the rules and
 * throttling state, and what to call when a fault closes a connection without
 * an answer (the journal records it). Each area (identity, Graph) owns its
 * stage and turns a rule into its own wire format's error; faults knows no area.
 */
export interface FaultPort {
  engine: FaultEngine;
  dropped(res: Response): void;
}

/**
 * Applies the faults that work alike in every area. "next": the request goes
 * on (after a latency); "dropped": the connection was closed; "area": the rule
 * needs the area's own error.
 */
export async function applyCommonFault(port: FaultPort, rule: FaultRule, req: Request, res: Response): Promise<"next" | "dropped" | "area"> {
  res.locals.faultId = rule.id;
  if (rule.fault === "drop_connection") {
    port.dropped(res);
    req.socket.destroy();
    return "dropped";
  }
  if (rule.fault === "latency") {
    await new Promise((r) => setTimeout(r, rule.latencyMs));
    return "next";
  }
  return "area";
}
