import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import type { TimeSlot } from "../../store/calendar-types.ts";
import { openMailbox, type CalendarDeps } from "./access.ts";
import { bool, isObject, obj, optStr, prop } from "./body-values.ts";
import { formatLocal } from "./date-time.ts";
import { routeEvent } from "./event-lookup.ts";
import { parseTime } from "./event-input.ts";
import type { Container } from "./events-handlers.ts";
import { cancelMeeting, respond, type Reply } from "./meetings.ts";

type Action = "accept" | "decline" | "tentativelyAccept" | "cancel";

const PARAMETERS: Record<Action, string[]> = {
  accept: ["comment", "sendResponse"],
  decline: ["comment", "sendResponse", "proposedNewTime"],
  tentativelyAccept: ["comment", "sendResponse", "proposedNewTime"],
  cancel: ["comment"],
};

/** Reads an action's parameters; an unknown one is OData's 400. A missing body counts as no parameters. */
function actionBody(req: Request, action: Action): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (!isObject(req.body)) throw graphErrors.requestBodyRead(`The request body must be a JSON object with the parameters of '${action}'.`);
  for (const key of Object.keys(req.body)) {
    if (!PARAMETERS[action].some((p) => p.toLowerCase() === key.toLowerCase())) {
      throw graphErrors.requestBodyRead(`The parameter '${key}' in the request payload is not a valid parameter for the operation '${action}'.`);
    }
  }
  optStr(prop(req.body, "comment"));
  return req.body;
}

function proposedTime(raw: unknown): TimeSlot | null {
  if (raw === undefined || raw === null) return null;
  const slot = obj(raw, "microsoft.graph.timeSlot");
  const start = parseTime(prop(slot, "start"));
  const end = parseTime(prop(slot, "end"));
  if (end.utcMs < start.utcMs) throw graphErrors.propertyValidationFailure();
  return {
    start: { dateTime: formatLocal(start.localMs), timeZone: start.zone.name },
    end: { dateTime: formatLocal(end.localMs), timeZone: end.zone.name },
  };
}

/** accept, decline, tentativelyAccept (attendees) and cancel (organizer): 202 with no body. */
export function actionHandler(deps: CalendarDeps, container: Container, action: Action) {
  const { store, clock } = deps;
  return (req: Request, res: Response) => {
    const call = openMailbox(deps, req, res, "write");
    const body = actionBody(req, action);
    store.write(call.tenantId, (t) => {
      const ref = routeEvent(t, call, req, container);
      const now = clock.nowMs();
      if (action === "cancel") {
        if (!(ref.kind === "stored" ? ref.event : ref.master).isOrganizer) throw graphErrors.cancelNotOrganizer();
        cancelMeeting(t, ref, now);
        return;
      }
      const sendRaw = prop(body, "sendResponse");
      const reply: Reply = {
        response: action === "accept" ? "accepted" : action === "decline" ? "declined" : "tentativelyAccepted",
        sendResponse: sendRaw === undefined || sendRaw === null ? true : bool(sendRaw),
        proposedNewTime: proposedTime(prop(body, "proposedNewTime")),
      };
      respond(t, ref, reply, call.owner.address, now);
    });
    res.status(202).end();
  };
}
