/** Calendar state of a mailbox. Owned by the calendar feature (emulator/src/graph/calendar). */

export interface Calendar {
  id: string;
  /** The user (mailbox) that owns the calendar. */
  ownerId: string;
  name: string;
  isDefault: boolean;
  [extra: string]: unknown;
}

export interface CalendarEvent {
  id: string;
  calendarId: string;
  /** The user (mailbox) whose calendar holds this copy of the event. */
  ownerId: string;
  [extra: string]: unknown;
}
