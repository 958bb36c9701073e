import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { principalOf, type Principal } from "../../http/principal.ts";
import { ctxOf } from "../../http/request-context.ts";
import type { DeepReadonly } from "../../store/store.ts";
import type { GraphSubscription } from "../../store/types.ts";
import { noteUnchanged } from "../../store/changes.ts";
import { enforceRule } from "../authorize.ts";
import type { GraphDeps } from "../context.ts";
import type { OperationHandler } from "../operation.ts";
import { checkExpiration, readCreateInput, readUpdateInput } from "./input.ts";
import { changedSubscription, duplicateOf, findOwned, formatExpiration, insertSubscription, listedFor, removeSubscription, subscriptionView } from "./model.ts";
import { factsOf } from "./notifications.ts";
import { familyOf, parseResource, resolveResource, RESOURCE_RULES } from "./resources.ts";

/**
 * /subscriptions: thin handlers over model.ts (who sees what), input.ts (the
 * body) and resources.ts (what a resource needs). The permission is the
 * subscribed resource's (checked here, not by the row: only the body or the
 * stored subscription names it); creating, and PATCHing a new
 * notificationUrl, first runs the validation handshake with the receiver.
 */
const contextOf = (res: Response, entity: boolean) => `${ctxOf(res).origin}/v1.0/$metadata#subscriptions${entity ? "/$entity" : ""}`;

const live = (s: DeepReadonly<GraphSubscription>, nowMs: number) => Date.parse(s.expirationDateTime) > nowMs;

export function subscriptionHandlers(deps: GraphDeps) {
  const { store, clock } = deps;

  /** The caller's own, live subscription named by the path, after its resource's permission check: 404 otherwise. */
  const owned = (req: Request, principal: Principal): DeepReadonly<GraphSubscription> => {
    const id = String(req.params.id);
    const s = store.read(principal.tenantId, (t) => findOwned(t, id, principal));
    if (!s || !live(s, clock.nowMs())) throw graphErrors.subscriptionNotFound();
    enforceRule(store, principal, RESOURCE_RULES[familyOf(s.target)].permissions);
    return s;
  };

  const create: OperationHandler = async (req, res) => {
    const principal = principalOf(res);
    const input = readCreateInput(req.body);
    const shape = parseResource(input.resource);
    if (!shape) throw graphErrors.subscriptionResourceUnsupported(input.resource);
    const rules = RESOURCE_RULES[shape.what === "events" ? "outlook" : "directory"];
    enforceRule(store, principal, rules.permissions);
    const tenantId = principal.tenantId;
    const target = store.read(tenantId, (t) => resolveResource(t, input.resource, principal, "Create"));
    checkExpiration(input.expirationMs, clock.nowMs(), rules.maxMinutes);
    const duplicate = () => store.read(tenantId, (t) => duplicateOf(t, principal, input.resource, input.changeTypes));
    const existing = duplicate();
    if (existing) throw graphErrors.subscriptionDuplicate(existing.id);
    const subscription: GraphSubscription = {
      id: randomUUID(),
      resource: input.resource,
      target,
      changeType: input.changeType,
      notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: input.lifecycleNotificationUrl,
      clientState: input.clientState,
      expirationDateTime: formatExpiration(input.expirationMs),
      applicationId: principal.appId,
      creatorId: principal.kind === "user" ? principal.userId : principal.servicePrincipalId,
      delegated: principal.kind === "user",
      latestSupportedTlsVersion: input.latestSupportedTlsVersion,
    };
    const facts = factsOf(tenantId, subscription);
    await deps.notifications.validate(input.notificationUrl, facts);
    if (input.lifecycleNotificationUrl) await deps.notifications.validate(input.lifecycleNotificationUrl, facts);
    store.write(tenantId, (t) => {
      // Another request may have made the same subscription while this one's receiver answered.
      const raced = duplicateOf(t, principal, input.resource, input.changeTypes);
      if (raced) throw graphErrors.subscriptionDuplicate(raced.id);
      insertSubscription(t, subscription);
    });
    res.status(201).json({ "@odata.context": contextOf(res, true), ...subscriptionView(subscription, { clientState: true }) });
  };

  const list: OperationHandler = (_req, res) => {
    const principal = principalOf(res);
    const now = clock.nowMs();
    const value = store.read(principal.tenantId, (t) => listedFor(t, principal).filter((s) => live(s, now)).map((s) => subscriptionView(s, { clientState: false })));
    res.json({ "@odata.context": contextOf(res, false), value });
  };

  const get: OperationHandler = (req, res) => {
    const s = owned(req, principalOf(res));
    res.json({ "@odata.context": contextOf(res, true), ...subscriptionView(s, { clientState: true }) });
  };

  /** A new expiration and/or notificationUrl; either also reauthorizes the subscription. */
  const update: OperationHandler = async (req, res) => {
    const principal = principalOf(res);
    const s = owned(req, principal);
    const input = readUpdateInput(req.body);
    if (input.expirationMs !== undefined) checkExpiration(input.expirationMs, clock.nowMs(), RESOURCE_RULES[familyOf(s.target)].maxMinutes);
    // Graph's documentation does not say whether a new URL is validated; the emulator asks it, as on create.
    if (input.notificationUrl !== undefined && input.notificationUrl !== s.notificationUrl) {
      await deps.notifications.validate(input.notificationUrl, factsOf(principal.tenantId, s));
    }
    const updated = store.write(principal.tenantId, (t) => {
      const found = findOwned(t, s.id, principal);
      if (!found) throw graphErrors.subscriptionNotFound();
      if (input.expirationMs !== undefined) found.expirationDateTime = formatExpiration(input.expirationMs);
      if (input.notificationUrl !== undefined) found.notificationUrl = input.notificationUrl;
      delete found.reauthorizationRequired;
      changedSubscription(t, found);
      return structuredClone(found);
    });
    res.json({ "@odata.context": contextOf(res, true), ...subscriptionView(updated, { clientState: true }) });
  };

  const remove: OperationHandler = (req, res) => {
    const principal = principalOf(res);
    const s = owned(req, principal);
    store.write(principal.tenantId, (t) => {
      const found = findOwned(t, s.id, principal);
      if (found) removeSubscription(t, found);
      else noteUnchanged(t);
    });
    res.status(204).end();
  };

  /** POST /subscriptions/{id}/reauthorize: resumes a subscription after reauthorizationRequired (204). */
  const reauthorize: OperationHandler = (req, res) => {
    const principal = principalOf(res);
    const s = owned(req, principal);
    if (s.reauthorizationRequired) {
      store.write(principal.tenantId, (t) => {
        const found = findOwned(t, s.id, principal);
        if (!found) return noteUnchanged(t);
        delete found.reauthorizationRequired;
        changedSubscription(t, found);
      });
    }
    res.status(204).end();
  };

  return { create, list, get, update, remove, reauthorize };
}
