import type { DeepReadonly } from "../../store/store.ts";
import type { GraphSubscription } from "../../store/types.ts";
import type { ResourceChange } from "./change-feed.ts";

/**
 * What the emulator POSTs to receivers: a changeNotificationCollection
 * (`{"value": [...]}`) of change notifications or of lifecycle notifications.
 * Shapes as Microsoft's pages show them: basic (no resource data) Outlook
 * notifications as in concepts/outlook-change-notifications-overview.md
 * ("Users/{id}/Events/{id}", "#Microsoft.Graph.Event", a weak etag), users'
 * as directory notifications arrive ("Users/{id}", "#Microsoft.Graph.User",
 * the organizationId, no etag), lifecycle notifications as in
 * concepts/change-notifications-lifecycle-events.md.
 */
export type LifecycleEvent = "subscriptionRemoved" | "reauthorizationRequired" | "missed";

export function changeNotification(s: DeepReadonly<GraphSubscription>, change: ResourceChange, tenantId: string): Record<string, unknown> {
  const resource = change.kind === "event" ? `Users/${change.ownerId}/Events/${change.id}` : `Users/${change.id}`;
  const resourceData =
    change.kind === "event"
      ? { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, "@odata.etag": `W/"${change.changeKey}"`, id: change.id }
      : { "@odata.type": "#Microsoft.Graph.User", "@odata.id": resource, id: change.id, organizationId: tenantId };
  return {
    subscriptionId: s.id,
    subscriptionExpirationDateTime: s.expirationDateTime,
    changeType: change.changeType,
    resource,
    resourceData,
    clientState: s.clientState,
    tenantId,
  };
}

export function lifecycleNotification(s: DeepReadonly<GraphSubscription>, event: LifecycleEvent, tenantId: string): Record<string, unknown> {
  return {
    subscriptionId: s.id,
    subscriptionExpirationDateTime: s.expirationDateTime,
    tenantId,
    clientState: s.clientState,
    lifecycleEvent: event,
    organizationId: tenantId,
  };
}

/** A collection as sent: one POST body. */
export const collection = (value: readonly Record<string, unknown>[]) => JSON.stringify({ value });
