import type { Request, Response } from "express";
import type { Clock } from "../../clock.ts";
import { graphErrorBody, graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { sendJson } from "../../http/send-json.ts";
import type { OperationHandler } from "../operation.ts";
import { readBatch, type BatchItem } from "./payload.ts";
import { BATCH_ITEM, type SubAnswer, type SubRequests } from "./sub-request.ts";

/** One entry of the batch's answer. */
type BatchResponse = SubAnswer & { id: string };

const succeeded = (status: number) => status >= 200 && status < 300;

/**
 * `POST /$batch`: checks the batch (a 400 for the batch as a whole), then
 * runs its requests one after another in the order sent (every dependency
 * is earlier in the batch), each through Graph's own stages. A request
 * whose dependency answered anything but 2xx is not run and answers 424.
 * The batch answers 200 with one response per request, in request order.
 */
export function batchHandler(clock: Clock, subRequests: SubRequests): OperationHandler {
  return async (req: Request, res: Response): Promise<void> => {
    const inside = res.locals[BATCH_ITEM] as string | undefined;
    if (inside !== undefined) throw graphErrors.batchNested(inside);
    const items = readBatch(req.body);
    const statuses = new Map<string, number>();
    const responses: BatchResponse[] = [];
    for (const item of items) {
      const dependency = item.dependsOn === undefined ? undefined : items.find((i) => i.key === item.dependsOn);
      const dependencyStatus = dependency && statuses.get(dependency.key);
      const answer =
        dependency && dependencyStatus !== undefined && !succeeded(dependencyStatus)
          ? failedDependency(res, item, dependency, clock)
          : await subRequests.run(req, res, item);
      if (answer === undefined) {
        // The batch's connection closed (a drop_connection fault on one of its requests, or the client left).
        subRequests.dropped(res);
        return;
      }
      statuses.set(item.key, answer.status);
      responses.push({ id: item.id, ...answer });
    }
    sendJson(res, { responses });
  };
}

/** A request not run because the one it depends on failed: 424, in Graph's error format. */
function failedDependency(res: Response, item: BatchItem, dependency: BatchItem, clock: Clock): SubAnswer {
  const err = graphErrors.batchFailedDependency(item.id, dependency.id);
  return { status: err.status, headers: { "Content-Type": "application/json; charset=utf-8" }, body: graphErrorBody(err, ctxOf(res), clock.now()) };
}
