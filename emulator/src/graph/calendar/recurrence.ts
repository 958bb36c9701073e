import { graphErrors } from "../../errors/graph-error.ts";
import type { DayOfWeek, PatternedRecurrence, RecurrencePatternType, RecurrenceRangeType, WeekIndex } from "../../store/calendar-types.ts";
import { arr, enumValue, has, int, obj, prop, str } from "./body-values.ts";
import { daysInMonth, formatDate, parseDate } from "./date-time.ts";
import { resolveZone } from "./time-zones.ts";

export const DAYS: readonly DayOfWeek[] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
export const WEEK_INDEXES: readonly WeekIndex[] = ["first", "second", "third", "fourth", "last"];
const PATTERN_TYPES: readonly RecurrencePatternType[] = ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"];
const RANGE_TYPES: readonly RecurrenceRangeType[] = ["endDate", "noEnd", "numbered"];

/** Outlook's limits on the interval: 999 days, 99 weeks, months or years. */
const MAX_INTERVAL: Record<RecurrencePatternType, number> = {
  daily: 999,
  weekly: 99,
  absoluteMonthly: 99,
  relativeMonthly: 99,
  absoluteYearly: 99,
  relativeYearly: 99,
};
/** The emulator's own bound on numbered ranges, so a series stays computable. */
export const MAX_OCCURRENCES = 99_999;

const invalid = () => graphErrors.propertyValidationFailure();

function dayList(v: unknown): DayOfWeek[] {
  const days = arr(v, "microsoft.graph.dayOfWeek").map((d) => enumValue(d, DAYS));
  return DAYS.filter((d) => days.includes(d));
}

/**
 * Validates a recurrence from a request body and returns it the way Outlook
 * echoes it: every field present, unused ones zeroed ("month": 0,
 * "dayOfMonth": 0, "endDate": "0001-01-01", "numberOfOccurrences": 0),
 * enum values in Graph's casing, the range's zone defaulting to the start's.
 */
export function normalizeRecurrence(raw: unknown, startZoneName: string): PatternedRecurrence {
  const body = obj(raw, "microsoft.graph.patternedRecurrence");
  if (!has(body, "pattern") || !has(body, "range")) throw invalid();
  const p = obj(prop(body, "pattern"), "microsoft.graph.recurrencePattern");
  const r = obj(prop(body, "range"), "microsoft.graph.recurrenceRange");

  if (!has(p, "type")) throw invalid();
  const type = enumValue(prop(p, "type"), PATTERN_TYPES);
  const interval = has(p, "interval") ? int(prop(p, "interval")) : 1;
  if (interval < 1 || interval > MAX_INTERVAL[type]) throw invalid();
  const daysOfWeek = has(p, "daysOfWeek") && prop(p, "daysOfWeek") !== null ? dayList(prop(p, "daysOfWeek")) : [];
  const firstDayOfWeek = has(p, "firstDayOfWeek") && prop(p, "firstDayOfWeek") !== null ? enumValue(prop(p, "firstDayOfWeek"), DAYS) : "sunday";
  const index = has(p, "index") && prop(p, "index") !== null ? enumValue(prop(p, "index"), WEEK_INDEXES) : "first";
  const month = has(p, "month") ? int(prop(p, "month")) : 0;
  const dayOfMonth = has(p, "dayOfMonth") ? int(prop(p, "dayOfMonth")) : 0;

  const needsDays = type === "weekly" || type === "relativeMonthly" || type === "relativeYearly";
  const needsDayOfMonth = type === "absoluteMonthly" || type === "absoluteYearly";
  const yearly = type === "absoluteYearly" || type === "relativeYearly";
  if (needsDays && daysOfWeek.length === 0) throw invalid();
  if (needsDayOfMonth && (dayOfMonth < 1 || dayOfMonth > 31)) throw invalid();
  if (yearly && (month < 1 || month > 12)) throw invalid();
  // A yearly date must exist in a leap year (29 February is kept; 30 February is not).
  if (type === "absoluteYearly" && dayOfMonth > daysInMonth(2000, month - 1)) throw invalid();

  if (!has(r, "type") || !has(r, "startDate")) throw invalid();
  const rangeType = enumValue(prop(r, "type"), RANGE_TYPES);
  const startDay = parseDate(str(prop(r, "startDate"), "Edm.Date"));
  if (startDay === undefined) throw graphErrors.requestBodyRead(`Cannot convert the literal '${String(prop(r, "startDate"))}' to the expected type 'Edm.Date'.`);
  let endDate = "0001-01-01";
  if (rangeType === "endDate") {
    const endDay = has(r, "endDate") ? parseDate(str(prop(r, "endDate"), "Edm.Date")) : undefined;
    if (endDay === undefined || endDay < startDay) throw invalid();
    endDate = formatDate(endDay);
  }
  let numberOfOccurrences = 0;
  if (rangeType === "numbered") {
    numberOfOccurrences = has(r, "numberOfOccurrences") ? int(prop(r, "numberOfOccurrences")) : 0;
    if (numberOfOccurrences < 1 || numberOfOccurrences > MAX_OCCURRENCES) throw invalid();
  }
  let recurrenceTimeZone = startZoneName;
  const rawZone = prop(r, "recurrenceTimeZone");
  if (rawZone !== undefined && rawZone !== null && rawZone !== "") {
    const zone = resolveZone(str(rawZone));
    if (!zone) throw graphErrors.timeZoneNotSupported(String(rawZone));
    recurrenceTimeZone = zone.name;
  }
  return {
    pattern: {
      type,
      interval,
      month: yearly ? month : 0,
      dayOfMonth: needsDayOfMonth ? dayOfMonth : 0,
      daysOfWeek: needsDays ? daysOfWeek : [],
      firstDayOfWeek,
      index,
    },
    range: { type: rangeType, startDate: formatDate(startDay), endDate, recurrenceTimeZone, numberOfOccurrences },
  };
}
