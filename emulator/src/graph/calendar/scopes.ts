/** Outlook calendar permission names, shared by the operation table and the mailbox checks. */
export const RB = "Calendars.ReadBasic";
/** Microsoft's app-only name for ReadBasic; the map lists "Calendars.ReadBasic" for Application too. */
export const RBA = "Calendars.ReadBasic.All";
export const R = "Calendars.Read";
export const RS = "Calendars.Read.Shared";
export const RW = "Calendars.ReadWrite";
export const RWS = "Calendars.ReadWrite.Shared";

/** Permissions that read bodies (anything above ReadBasic). */
export const FULL_READ = [R, RS, RW, RWS];
/** Delegated scopes that reach another user's shared calendar. */
export const SHARED_READ = [RS, RWS];
export const SHARED_WRITE = [RWS];
