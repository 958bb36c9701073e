/**
 * Change-notification subscriptions (Graph's /subscriptions). Owned by the
 * subscriptions feature (emulator/src/graph/subscriptions); only its model
 * writes these records. A subscription belongs to the tenant it was created
 * in and is seen only by the application that created it.
 */

/** What a subscription's resource names, resolved when it was created. */
export type SubscriptionTarget =
  /** Events of one mailbox: all of them, the default calendar's (`calendarId` "default") or one calendar's. */
  | { kind: "events"; ownerId: string; calendarId: string | null }
  /** Every user of the tenant (`users`). */
  | { kind: "users" }
  /** One user (`users/{id}`). */
  | { kind: "user"; userId: string };

export interface GraphSubscription {
  id: string;
  /** As the client wrote it (Graph echoes it). */
  resource: string;
  target: SubscriptionTarget;
  /** As the client wrote it: a comma list of created, updated, deleted. */
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  /** ISO 8601, UTC. */
  expirationDateTime: string;
  /** The appId of the application that created it. */
  applicationId: string;
  /** The signed-in user (delegated) or the application's service principal (app-only). */
  creatorId: string;
  /** Whether it was created with a delegated token (then `creatorId` is a user). */
  delegated: boolean;
  latestSupportedTlsVersion: string;
  /** Set when the application lost the permission the resource needs: change notifications wait for a reauthorization. */
  reauthorizationRequired?: boolean;
}
