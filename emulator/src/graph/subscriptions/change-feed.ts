import type { Change } from "../../store/changes.ts";

/**
 * What one committed write means for change notifications, read from the
 * changes the models noted (store/changes.ts) while the write ran:
 *
 * - events: a record the calendar model added is `created` (an occurrence
 *   stored as an exception is the series being `updated`), a record changed
 *   in place is `updated`, a record removed is `deleted`; several changes of
 *   one event in one write count once (created then changed: created;
 *   created then removed: nothing);
 * - users: every entry of the user change log is `updated`, as Graph reports
 *   users: a new user arrives as `updated` and a deleted one, which Entra
 *   first soft-deletes, as `updated` too (Azure Event Grid's Microsoft Entra
 *   events page documents both);
 * - consent, app role assignments, applications: the subscribing apps' access
 *   must be checked again (reauthorizationRequired).
 *
 * It copies what it needs out of the records, which later writes change in place.
 */
export type ChangeType = "created" | "updated" | "deleted";

export interface EventChange {
  kind: "event";
  changeType: ChangeType;
  id: string;
  ownerId: string;
  calendarId: string;
  changeKey: string;
}

export interface UserChange {
  kind: "user";
  changeType: "updated";
  id: string;
}

export type ResourceChange = EventChange | UserChange;

export interface FeedBatch {
  changes: ResourceChange[];
  /** Consent or app role assignments changed: access must be checked again. */
  access: boolean;
}

const ACCESS = new Set(["servicePrincipals", "consentGrants", "applications"]);

export function readChanges(changes: readonly Change[]): FeedBatch {
  const events = new Map<string, EventChange>();
  const users = new Map<string, UserChange>();
  let access = false;
  for (const c of changes) {
    if (c.kind !== "put" && c.kind !== "remove" && c.kind !== "collection") continue;
    if (ACCESS.has(c.collection)) {
      access = true;
      continue;
    }
    if (c.kind === "collection") continue;
    if (c.collection === "events") noteEvent(events, c);
    else if (c.collection === "userChanges" && c.kind === "put") {
      const userId = c.record.userId as string;
      if (!users.has(userId)) users.set(userId, { kind: "user", changeType: "updated", id: userId });
    }
  }
  return { changes: [...events.values(), ...users.values()], access };
}

function noteEvent(events: Map<string, EventChange>, c: Extract<Change, { kind: "put" | "remove" }>): void {
  const r = c.record;
  const id = r.id as string;
  const before = events.get(id);
  const now: ChangeType = c.kind === "remove" ? "deleted" : c.added && r.type !== "exception" ? "created" : "updated";
  const changeType = merge(before?.changeType, now);
  if (changeType === null) {
    events.delete(id);
    return;
  }
  events.set(id, { kind: "event", changeType, id, ownerId: r.ownerId as string, calendarId: r.calendarId as string, changeKey: r.changeKey as string });
}

/** Two changes of one item in one write as one; null when it came and went. */
function merge(before: ChangeType | undefined, now: ChangeType): ChangeType | null {
  if (before === undefined) return now;
  if (before === "created") return now === "deleted" ? null : "created";
  return now === "created" ? "updated" : now;
}
