/**
 * Calendar state of a mailbox. Owned by the calendar feature
 * (emulator/src/graph/calendar); only its model writes these records.
 *
 * Times are kept as the client gave them (wall-clock text plus the zone name)
 * and as UTC instants (ms) for fast window checks. Occurrences of a series are
 * never stored: they are computed from the master; only exceptions (changed
 * occurrences) are stored, with the id of the occurrence they replace.
 */

export interface DateTimeTimeZone {
  /** Wall-clock time in `timeZone`, Outlook-style: "2017-04-15T11:00:00.0000000". */
  dateTime: string;
  timeZone: string;
}

export interface EmailAddress {
  name: string;
  address: string;
}

export type ResponseType = "none" | "organizer" | "tentativelyAccepted" | "accepted" | "declined" | "notResponded";
export type FreeBusyStatus = "free" | "tentative" | "busy" | "oof" | "workingElsewhere" | "unknown";
export type DayOfWeek = "sunday" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday";
export type WeekIndex = "first" | "second" | "third" | "fourth" | "last";
export type RecurrencePatternType = "daily" | "weekly" | "absoluteMonthly" | "relativeMonthly" | "absoluteYearly" | "relativeYearly";
export type RecurrenceRangeType = "endDate" | "noEnd" | "numbered";

export interface ResponseStatus {
  response: ResponseType;
  /** ISO instant, "0001-01-01T00:00:00Z" when there has been no response. */
  time: string;
}

export interface TimeSlot {
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
}

export interface Attendee {
  type: "required" | "optional" | "resource";
  status: ResponseStatus;
  emailAddress: EmailAddress;
  proposedNewTime?: TimeSlot | null;
}

/** A recurrence as Graph echoes it, every field present (Outlook's normalised form). */
export interface PatternedRecurrence {
  pattern: {
    type: RecurrencePatternType;
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: DayOfWeek[];
    firstDayOfWeek: DayOfWeek;
    index: WeekIndex;
  };
  range: {
    type: RecurrenceRangeType;
    startDate: string;
    /** "0001-01-01" unless the range type is endDate. */
    endDate: string;
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

/** A location as Graph returns it; kept as the normalised JSON object. */
export type EventLocation = Record<string, unknown> & { displayName: string };

export interface ItemBody {
  contentType: "text" | "html";
  content: string;
}

export interface OnlineMeetingInfo {
  joinUrl: string;
  conferenceId: string | null;
  tollNumber: string | null;
  tollFreeNumbers: string[];
  phones: unknown[];
  quickDial: string | null;
}

export interface WorkingHours {
  daysOfWeek: DayOfWeek[];
  /** "08:00:00.0000000" */
  startTime: string;
  endTime: string;
  timeZone: { name: string };
}

/** Another user of the tenant the calendar is shared with (delegated access through `.Shared` scopes). */
export interface CalendarShare {
  userId: string;
  role: "read" | "write";
}

export interface Calendar {
  id: string;
  /** The user (mailbox) that owns the calendar. */
  ownerId: string;
  name: string;
  isDefault: boolean;
  color: string;
  hexColor: string;
  changeKey: string;
  shares: CalendarShare[];
  /** On the default calendar: the mailbox's working hours (getSchedule, findMeetingTimes). */
  workingHours?: WorkingHours;
}

export type EventType = "singleInstance" | "seriesMaster" | "exception";

export interface CalendarEvent {
  id: string;
  calendarId: string;
  /** The user (mailbox) whose calendar holds this copy of the event. */
  ownerId: string;
  type: EventType;
  /** For an exception: the series master's id. */
  seriesMasterId: string | null;
  /** For an exception: the UTC start (ms) of the occurrence it replaces. */
  originalStartMs: number | null;
  /** UTC instants of this item (for a master: its first instance as created). */
  startMs: number;
  endMs: number;
  /** For a series master: UTC end of the last occurrence, null when the series has no end. */
  seriesEndMs: number | null;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  iCalUId: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  transactionId: string | null;
  subject: string;
  body: ItemBody;
  categories: string[];
  importance: "low" | "normal" | "high";
  sensitivity: "normal" | "personal" | "private" | "confidential";
  showAs: FreeBusyStatus;
  isAllDay: boolean;
  isCancelled: boolean;
  isDraft: boolean;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  location: EventLocation;
  locations: EventLocation[];
  organizer: { emailAddress: EmailAddress };
  attendees: Attendee[];
  responseStatus: ResponseStatus;
  /** Whether this copy is the organizer's (false for an attendee's copy of a meeting). */
  isOrganizer: boolean;
  recurrence: PatternedRecurrence | null;
  /** For a series master: original starts (UTC ms) of occurrences that were deleted or cancelled. */
  deletedOccurrences: number[];
  isOnlineMeeting: boolean;
  onlineMeetingProvider: "unknown" | "skypeForBusiness" | "skypeForConsumer" | "teamsForBusiness";
  onlineMeeting: OnlineMeetingInfo | null;
}

/**
 * A calendarView delta round (GET …/calendarView/delta): the window as it was
 * when the round began, and what the round answers. A `$deltatoken` names the
 * state its next round diffs against; a `$skiptoken` names it and an offset.
 * A mailbox keeps a bounded number of them (graph/calendar/sync-states.ts).
 */
export interface CalendarSyncState {
  /** Random; the tokens carry it. */
  id: string;
  ownerId: string;
  /** Counts up per mailbox (Outlook's "sync state generation"), for the 410's message and for dropping the oldest. */
  generation: number;
  /** The calendar the route names, or null for the mailbox's calendarView (/me/calendarView/delta). */
  calendarId: string | null;
  fromMs: number;
  toMs: number;
  /** When the round began, ISO 8601. */
  createdDateTime: string;
  /**
   * The window's items when the round began (single instances, occurrences, exceptions), in window
   * order, by key: an item's id, or `<series master id>@<original start, ms>` for an occurrence (and
   * an exception, whose id is that occurrence's), so occurrence ids are only made for what is sent.
   */
  keys: string[];
  /** One 8-character fingerprint per item of `keys`, concatenated (a hash of its changeKey, or its master's for an occurrence). */
  fingerprints: string;
  /** What the round answers: indexes into `keys` of new and changed items; null for every item (a first round). */
  changed: number[] | null;
  /** Keys of the items that left the window since the state the round diffed against. */
  removed: string[];
}
