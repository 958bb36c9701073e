import type { GraphRequest } from "@microsoft/microsoft-graph-client";
import type { GraphAccess, GraphCall, WhoOptions } from "./caller.ts";
import { InvalidArgumentError, type GraphResult } from "./errors.ts";
import { applyPreferences, applyQuery, toPage, type CalendarPreferences, type ODataQuery, type Page } from "./graph.ts";
import { collectAll, type AllPagesOptions, type ListOptions } from "./users.ts";

/** Graph's dateTimeTimeZone. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface GraphCalendar {
  id: string;
  name?: string;
  color?: string;
  isDefaultCalendar?: boolean;
  canEdit?: boolean;
  [property: string]: unknown;
}

export interface GraphEvent {
  id: string;
  subject?: string | null;
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  body?: { contentType: "html" | "text"; content: string };
  [property: string]: unknown;
}

/** Options of every calendar function: whose calendar, who asks, and Prefer-header preferences. */
export type CalendarOptions = WhoOptions & CalendarPreferences;

export interface EventListOptions extends CalendarOptions, ListOptions {
  /** A calendar id; omitted: the user's events across calendars (or the default calendar for views). */
  calendarId?: string;
}

export interface TimeRange {
  /** ISO 8601, e.g. 2026-03-01T00:00:00Z. */
  startDateTime: string;
  endDateTime: string;
}

export interface ResponseOptions extends CalendarOptions {
  eventId: string;
  comment?: string;
  /** Whether the organizer gets a response email (default true). */
  sendResponse?: boolean;
}

export interface ScheduleRequest extends CalendarOptions {
  /** SMTP addresses of users, rooms or distribution lists. */
  schedules: string[];
  startTime: DateTimeTimeZone;
  endTime: DateTimeTimeZone;
  /** Minutes per slot in availabilityView (default 30). */
  availabilityViewInterval?: number;
}

export interface ScheduleInformation {
  scheduleId: string;
  availabilityView?: string;
  scheduleItems?: Record<string, unknown>[];
  error?: { message: string; responseCode: string };
  [property: string]: unknown;
}

export interface MeetingTimeSuggestionsResult {
  meetingTimeSuggestions: Record<string, unknown>[];
  emptySuggestionsReason?: string;
  [property: string]: unknown;
}

const seg = encodeURIComponent;
const required = (value: string | undefined, name: string): string => {
  if (!value) throw new InvalidArgumentError(`${name} is required`);
  return value;
};

/** Microsoft 365 Calendar: calendars, events, views, responses and scheduling for `userId` as seen by `authUserId`. */
export class CalendarFunctions {
  constructor(private readonly access: GraphAccess) {}

  // Calendars

  /** GET {user}/calendars; one page. */
  listCalendars(options: CalendarOptions & ListOptions = {}): Promise<GraphResult<Page<GraphCalendar>>> {
    return this.#list(options, (u) => `${u}/calendars`);
  }

  /** GET {user}/calendars/{id}, or the default calendar ({user}/calendar) without calendarId. */
  getCalendar(options: CalendarOptions & { calendarId?: string; select?: string[] } = {}): Promise<GraphResult<GraphCalendar>> {
    return this.#do(options, (c, u) =>
      applyQuery(c.client.api(options.calendarId ? `${u}/calendars/${seg(options.calendarId)}` : `${u}/calendar`), { select: options.select }).get(),
    );
  }

  /** POST {user}/calendars. */
  createCalendar(options: CalendarOptions & { calendar: { name: string; color?: string; [p: string]: unknown } }): Promise<GraphResult<GraphCalendar>> {
    return this.#do(options, (c, u) => c.client.api(`${u}/calendars`).post(options.calendar));
  }

  /** PATCH {user}/calendars/{id}; returns the updated calendar. */
  updateCalendar(options: CalendarOptions & { calendarId: string; changes: Record<string, unknown> }): Promise<GraphResult<GraphCalendar>> {
    return this.#do(options, (c, u) => c.client.api(`${u}/calendars/${seg(required(options.calendarId, "calendarId"))}`).patch(options.changes));
  }

  /** DELETE {user}/calendars/{id}. */
  deleteCalendar(options: CalendarOptions & { calendarId: string }): Promise<GraphResult<undefined>> {
    return this.#do(options, async (c, u) => {
      await c.client.api(`${u}/calendars/${seg(required(options.calendarId, "calendarId"))}`).delete();
      return undefined;
    });
  }

  // Events

  /** GET {user}/events or {user}/calendars/{id}/events; one page of 10 by default (follow data.nextLink, or use listAllEvents). */
  listEvents(options: EventListOptions = {}): Promise<GraphResult<Page<GraphEvent>>> {
    return this.#list(options, (u) => (options.calendarId ? `${u}/calendars/${seg(options.calendarId)}/events` : `${u}/events`));
  }

  /** Every page of listEvents. */
  listAllEvents(options: Omit<EventListOptions, "nextLink"> & AllPagesOptions = {}): Promise<GraphResult<GraphEvent[]>> {
    return collectAll((nextLink) => this.listEvents({ ...options, nextLink }), options.maxItems);
  }

  /** GET {user}/events/{id}. */
  getEvent(options: CalendarOptions & { eventId: string; select?: string[] }): Promise<GraphResult<GraphEvent>> {
    return this.#do(options, (c, u) =>
      applyPreferences(applyQuery(c.client.api(`${u}/events/${seg(required(options.eventId, "eventId"))}`), { select: options.select }), options).get(),
    );
  }

  /** POST {user}/events or {user}/calendars/{id}/events. */
  createEvent(options: CalendarOptions & { calendarId?: string; event: Record<string, unknown> }): Promise<GraphResult<GraphEvent>> {
    return this.#do(options, (c, u) =>
      applyPreferences(c.client.api(options.calendarId ? `${u}/calendars/${seg(options.calendarId)}/events` : `${u}/events`), options).post(options.event),
    );
  }

  /** PATCH {user}/events/{id}; returns the updated event. */
  updateEvent(options: CalendarOptions & { eventId: string; changes: Record<string, unknown> }): Promise<GraphResult<GraphEvent>> {
    return this.#do(options, (c, u) => applyPreferences(c.client.api(`${u}/events/${seg(required(options.eventId, "eventId"))}`), options).patch(options.changes));
  }

  /** DELETE {user}/events/{id}. */
  deleteEvent(options: CalendarOptions & { eventId: string }): Promise<GraphResult<undefined>> {
    return this.#do(options, async (c, u) => {
      await c.client.api(`${u}/events/${seg(required(options.eventId, "eventId"))}`).delete();
      return undefined;
    });
  }

  /**
   * GET {user}/calendarView (or a calendar's): occurrences, exceptions and
   * single events in a time range. One page: Graph's default page is 10 events
   * (raise it with `top`); follow data.nextLink, or use calendarViewAll.
   */
  async calendarView(options: EventListOptions & TimeRange): Promise<GraphResult<Page<GraphEvent>>> {
    return this.#list(options, (u) => (options.calendarId ? `${u}/calendars/${seg(options.calendarId)}/calendarView` : `${u}/calendarView`), range(options));
  }

  /** Every page of calendarView: all events in the range (bounded by maxItems). */
  calendarViewAll(options: Omit<EventListOptions, "nextLink"> & TimeRange & AllPagesOptions): Promise<GraphResult<GraphEvent[]>> {
    return collectAll((nextLink) => this.calendarView({ ...options, nextLink }), options.maxItems);
  }

  /** GET {user}/events/{id}/instances: the occurrences of a recurring event in a time range; one page of 10 by default (see listAllInstances). */
  async listInstances(options: CalendarOptions & ListOptions & TimeRange & { eventId: string }): Promise<GraphResult<Page<GraphEvent>>> {
    return this.#list(options, (u) => `${u}/events/${seg(required(options.eventId, "eventId"))}/instances`, range(options));
  }

  /** Every page of listInstances. */
  listAllInstances(options: CalendarOptions & Omit<ListOptions, "nextLink"> & TimeRange & AllPagesOptions & { eventId: string }): Promise<GraphResult<GraphEvent[]>> {
    return collectAll((nextLink) => this.listInstances({ ...options, nextLink }), options.maxItems);
  }

  // Responses

  /** POST {user}/events/{id}/accept. */
  acceptEvent(options: ResponseOptions): Promise<GraphResult<undefined>> {
    return this.#action(options, "accept", { comment: options.comment, sendResponse: options.sendResponse ?? true });
  }

  /** POST {user}/events/{id}/decline, optionally proposing another time. */
  declineEvent(options: ResponseOptions & { proposedNewTime?: { start: DateTimeTimeZone; end: DateTimeTimeZone } }): Promise<GraphResult<undefined>> {
    return this.#action(options, "decline", { comment: options.comment, sendResponse: options.sendResponse ?? true, proposedNewTime: options.proposedNewTime });
  }

  /** POST {user}/events/{id}/tentativelyAccept, optionally proposing another time. */
  tentativelyAcceptEvent(
    options: ResponseOptions & { proposedNewTime?: { start: DateTimeTimeZone; end: DateTimeTimeZone } },
  ): Promise<GraphResult<undefined>> {
    return this.#action(options, "tentativelyAccept", {
      comment: options.comment,
      sendResponse: options.sendResponse ?? true,
      proposedNewTime: options.proposedNewTime,
    });
  }

  /** POST {user}/events/{id}/cancel: the organizer cancels a meeting and notifies attendees. */
  cancelEvent(options: CalendarOptions & { eventId: string; comment?: string }): Promise<GraphResult<undefined>> {
    return this.#action(options, "cancel", { comment: options.comment });
  }

  // Scheduling

  /** POST {user}/calendar/getSchedule: free/busy of users, rooms and lists. */
  getSchedule(options: ScheduleRequest): Promise<GraphResult<ScheduleInformation[]>> {
    return this.#do(options, async (c, u) => {
      const body = { schedules: options.schedules, startTime: options.startTime, endTime: options.endTime, availabilityViewInterval: options.availabilityViewInterval };
      const res = (await applyPreferences(c.client.api(`${u}/calendar/getSchedule`), options).post(body)) as { value?: ScheduleInformation[] };
      return res.value ?? [];
    });
  }

  /** POST {user}/findMeetingTimes: meeting time suggestions for attendees and constraints (Graph's request body). */
  findMeetingTimes(options: CalendarOptions & { request: Record<string, unknown> }): Promise<GraphResult<MeetingTimeSuggestionsResult>> {
    return this.#do(options, (c, u) => applyPreferences(c.client.api(`${u}/findMeetingTimes`), options).post(options.request));
  }

  async #do<T>(options: CalendarOptions, fn: (c: GraphCall, userPath: string) => Promise<T>): Promise<GraphResult<T>> {
    const c = await this.access.open(options.authUserId);
    const u = await c.userPath(options.userId);
    return c.run(() => fn(c, u));
  }

  #list<T>(options: CalendarOptions & ListOptions, path: (userPath: string) => string, extra?: Record<string, string>): Promise<GraphResult<Page<T>>> {
    return this.#do(options, async (c, u) => {
      let req: GraphRequest;
      if (options.nextLink) req = c.client.api(options.nextLink);
      else {
        req = applyQuery(c.client.api(path(u)), options as ODataQuery);
        if (extra) req.query(extra);
      }
      return toPage<T>(await applyPreferences(req, options).get());
    });
  }

  #action(options: CalendarOptions & { eventId: string }, action: string, body: Record<string, unknown>): Promise<GraphResult<undefined>> {
    return this.#do(options, async (c, u) => {
      const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const res: unknown = await c.client.api(`${u}/events/${seg(required(options.eventId, "eventId"))}/${action}`).post(clean);
      if (res instanceof ReadableStream) void res.cancel().catch(() => undefined);
      return undefined;
    });
  }
}

function range(r: TimeRange): Record<string, string> {
  if (!r.startDateTime || !r.endDateTime) throw new InvalidArgumentError("startDateTime and endDateTime are required (ISO 8601)");
  return { startDateTime: encodeURIComponent(r.startDateTime), endDateTime: encodeURIComponent(r.endDateTime) };
}
