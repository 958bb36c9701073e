import type { GraphDeps } from "../context.ts";
import type { AnyTokenPermissions, Operation } from "../operation.ts";
import { subscriptionHandlers } from "./handlers.ts";

/**
 * The permission a subscription needs is its resource's (Calendars.Read for
 * events, User.Read.All for users: api/subscription-post-subscriptions.md),
 * known only from the body or the stored subscription, so the handlers check
 * it (resources.ts); the rows only need a valid Graph token.
 */
const BY_RESOURCE: AnyTokenPermissions = {
  anyValidToken: true,
  why: "the subscribed resource's permission, checked by the handler.",
};

/** Change notifications: /subscriptions (api/subscription-*.md). */
export function subscriptionOperations(deps: GraphDeps): Operation[] {
  const h = subscriptionHandlers(deps);
  return [
    { method: "POST", path: "/subscriptions", summary: "Create a subscription; the receiver must first answer the validation handshake.", permissions: BY_RESOURCE, handler: h.create },
    { method: "GET", path: "/subscriptions", summary: "The calling application's live subscriptions (clientState left out).", permissions: BY_RESOURCE, handler: h.list },
    { method: "GET", path: "/subscriptions/{id}", summary: "One of the calling application's subscriptions.", permissions: BY_RESOURCE, handler: h.get },
    { method: "PATCH", path: "/subscriptions/{id}", summary: "Renew (expirationDateTime) or move (notificationUrl, validated again); also reauthorizes.", permissions: BY_RESOURCE, handler: h.update },
    { method: "DELETE", path: "/subscriptions/{id}", summary: "Delete a subscription; nothing more is delivered for it.", permissions: BY_RESOURCE, handler: h.remove },
    { method: "POST", path: "/subscriptions/{id}/reauthorize", summary: "Resume a subscription after a reauthorizationRequired lifecycle notification (204).", permissions: BY_RESOURCE, handler: h.reauthorize },
  ];
}
