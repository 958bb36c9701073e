import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { FreeBusyStatus } from "../../store/calendar-types.ts";
import type { TenantState } from "../../store/types.ts";
import { openMailbox, type CalendarDeps } from "./access.ts";
import { arr, boolParameter, doubleParameter, enumValue, has, int32Parameter, isObject, obj, optStr, prop } from "./body-values.ts";
import { DAY_MS, formatLocal, parseIsoDuration } from "./date-time.ts";
import { parseTime } from "./event-input.ts";
import { busyItems, statusOver, withinWorkingHours, type BusyItem } from "./free-busy.ts";
import { workingHoursOf } from "./mailbox.ts";
import { findUser } from "../../directory/users.ts";
import { applyPreferences } from "./prefer.ts";
import { utcToLocal, type Zone } from "./time-zones.ts";

/**
 * POST /findMeetingTimes from the attendees' real free/busy. Candidates start
 * on the half hour inside the time constraint (the organizer's working hours
 * for the "work" domain). Confidence averages each attendee's chance of
 * attending (free 100, tentative 50, unknown 49, busy or away 0) as
 * api/user-findmeetingtimes.md describes; suggestions are ordered by
 * confidence, then time.
 */
const STEP = 30 * 60_000;
const MAX_WINDOW_DAYS = 62;
const CHANCE: Record<FreeBusyStatus, number> = { free: 100, workingElsewhere: 100, tentative: 50, unknown: 49, busy: 0, oof: 0 };

interface AttendeeIn {
  type: "required" | "optional" | "resource";
  address: string;
  name: string | undefined;
}

function parseAttendees(raw: unknown): AttendeeIn[] {
  if (raw === undefined || raw === null) return [];
  return arr(raw, "microsoft.graph.attendeeBase").map((a) => {
    const o = obj(a, "microsoft.graph.attendeeBase");
    const email = obj(prop(o, "emailAddress"), "microsoft.graph.emailAddress");
    const address = optStr(prop(email, "address"))?.trim();
    if (!address) throw graphErrors.propertyValidationFailure();
    const type = has(o, "type") && prop(o, "type") !== null ? enumValue(prop(o, "type"), ["required", "optional", "resource"] as const) : "required";
    return { type, address, name: optStr(prop(email, "name")) ?? undefined };
  });
}

const dtz = (utcMs: number, zone: Zone) => ({ dateTime: formatLocal(utcToLocal(utcMs, zone.iana)), timeZone: zone.name });

export function findMeetingTimesHandler(deps: CalendarDeps) {
  return (req: Request, res: Response) => {
    const call = openMailbox(deps, req, res, "read");
    const body = req.body === undefined ? {} : req.body;
    if (!isObject(body)) throw graphErrors.requestBodyRead("The request body must be a JSON object with the parameters of 'findMeetingTimes'.");
    const attendees = parseAttendees(prop(body, "attendees"));
    const durationText = prop(body, "meetingDuration");
    const duration = durationText === undefined || durationText === null ? STEP : parseIsoDuration(durationText);
    if (duration === undefined || duration <= 0 || duration > 14 * DAY_MS) {
      throw graphErrors.requestBodyRead(`Cannot convert the literal '${String(durationText)}' to the expected type 'Edm.Duration'.`);
    }
    const rawMax = prop(body, "maxCandidates");
    const maxCandidates = rawMax === undefined || rawMax === null ? 10 : int32Parameter(rawMax);
    if (maxCandidates < 0) throw graphErrors.invalidScheduleRequest("maxCandidates must not be negative.");
    const organizerOptional = has(body, "isOrganizerOptional") && prop(body, "isOrganizerOptional") !== null ? boolParameter(prop(body, "isOrganizerOptional")) : false;
    const reasons = has(body, "returnSuggestionReasons") && prop(body, "returnSuggestionReasons") !== null ? boolParameter(prop(body, "returnSuggestionReasons")) : false;
    const rawMin = prop(body, "minimumAttendeePercentage");
    const minimum = rawMin === undefined || rawMin === null ? 50 : doubleParameter(rawMin);
    if (!Number.isFinite(minimum) || minimum < 0 || minimum > 100) throw graphErrors.invalidScheduleRequest("minimumAttendeePercentage must be between 0 and 100.");

    let domain: "work" | "personal" | "unrestricted" | "unknown" = "work";
    const now = deps.clock.nowMs();
    let slots = [{ from: Math.ceil(now / STEP) * STEP, to: Math.ceil(now / STEP) * STEP + 2 * DAY_MS }];
    const constraint = prop(body, "timeConstraint");
    if (constraint !== undefined && constraint !== null) {
      const c = obj(constraint, "microsoft.graph.timeConstraint");
      if (has(c, "activityDomain") && prop(c, "activityDomain") !== null) domain = enumValue(prop(c, "activityDomain"), ["work", "personal", "unrestricted", "unknown"] as const);
      if (has(c, "timeSlots") && prop(c, "timeSlots") !== null) {
        slots = arr(prop(c, "timeSlots"), "microsoft.graph.timeSlot").map((s) => {
          const o = obj(s, "microsoft.graph.timeSlot");
          const from = parseTime(prop(o, "start")).utcMs;
          const to = parseTime(prop(o, "end")).utcMs;
          if (to <= from) throw graphErrors.propertyValidationFailure();
          if (to - from > MAX_WINDOW_DAYS * DAY_MS) throw graphErrors.invalidScheduleRequest(`A time slot can cover at most ${MAX_WINDOW_DAYS} days.`);
          return { from, to };
        });
      }
    }
    const locations = locationsOf(prop(body, "locationConstraint"));
    const result = deps.store.read(call.tenantId, (t) => suggest(t, call.owner.id, attendees, slots, duration, domain, organizerOptional, minimum));
    const zone = call.prefs.zone;
    const meetingTimeSuggestions = result.suggestions
      .sort((a, b) => b.confidence - a.confidence || a.startMs - b.startMs)
      .slice(0, maxCandidates)
      .map((s, i) => ({
        confidence: s.confidence,
        order: i + 1,
        organizerAvailability: s.organizer,
        suggestionReason: reasons ? reasonOf(s.availability) : "",
        attendeeAvailability: attendees.map((a, k) => ({
          attendee: { type: a.type, emailAddress: { address: a.address, ...(a.name ? { name: a.name } : {}) } },
          availability: s.availability[k],
        })),
        locations,
        meetingTimeSlot: { start: dtz(s.startMs, zone), end: dtz(s.startMs + duration, zone) },
      }));
    applyPreferences(res, call.prefs, ["timezone"]);
    res.json({
      "@odata.context": `${ctxOf(res).origin}/v1.0/$metadata#microsoft.graph.meetingTimeSuggestionsResult`,
      emptySuggestionsReason: meetingTimeSuggestions.length > 0 ? "" : result.emptyReason,
      meetingTimeSuggestions,
    });
  };
}

function locationsOf(raw: unknown): Record<string, unknown>[] {
  if (raw === undefined || raw === null) return [];
  const c = obj(raw, "microsoft.graph.locationConstraint");
  const list = prop(c, "locations");
  if (list === undefined || list === null) return [];
  return arr(list, "microsoft.graph.locationConstraintItem").map((l) => {
    const o = obj(l, "microsoft.graph.locationConstraintItem");
    return { displayName: optStr(prop(o, "displayName")) ?? "", locationEmailAddress: optStr(prop(o, "locationEmailAddress")) ?? "" };
  });
}

function reasonOf(availability: FreeBusyStatus[]): string {
  if (availability.length === 0 || availability.every((a) => a === "free")) return "Suggested because it is one of the nearest times when all attendees are available.";
  return "Suggested because it is one of the nearest times when most attendees are available.";
}

interface Candidate {
  startMs: number;
  confidence: number;
  organizer: FreeBusyStatus;
  availability: FreeBusyStatus[];
}

function suggest(
  t: DeepReadonly<TenantState>,
  organizerId: string,
  attendees: AttendeeIn[],
  slots: { from: number; to: number }[],
  duration: number,
  domain: string,
  organizerOptional: boolean,
  minimum: number,
): { suggestions: Candidate[]; emptyReason: string } {
  const from = Math.min(...slots.map((s) => s.from));
  const to = Math.max(...slots.map((s) => s.to));
  const organizerItems = busyItems(t, organizerId, from, to);
  const people: (BusyItem[] | undefined)[] = attendees.map((a) => {
    const user = findUser(t, a.address, "mailbox");
    return user ? busyItems(t, user.id, from, to) : undefined;
  });
  const wh = workingHoursOf(t, organizerId);
  const suggestions: Candidate[] = [];
  let candidates = 0;
  let organizerBlocked = 0;
  let unknown = false;
  for (const slot of slots) {
    for (let s = Math.ceil(slot.from / STEP) * STEP; s + duration <= slot.to && candidates < 5000; s += STEP) {
      if ((domain === "work" || domain === "unknown") && !withinWorkingHours(wh, s, s + duration)) continue;
      if (domain === "personal" && !withinWorkingHours(wh, s, s + duration, true)) continue;
      candidates++;
      const organizer = statusOver(organizerItems, s, s + duration);
      if (!organizerOptional && CHANCE[organizer] < 100) {
        organizerBlocked++;
        continue;
      }
      const availability = people.map((items) => (items ? statusOver(items, s, s + duration) : "unknown"));
      if (availability.includes("unknown")) unknown = true;
      const confidence = availability.length === 0 ? 100 : availability.reduce((sum, a) => sum + CHANCE[a], 0) / availability.length;
      if (confidence >= minimum) suggestions.push({ startMs: s, confidence, organizer, availability });
    }
  }
  const emptyReason =
    candidates === 0 ? "unknown" : organizerBlocked === candidates ? "organizerUnavailable" : unknown ? "attendeesUnavailableOrUnknown" : "attendeesUnavailable";
  return { suggestions, emptyReason };
}
