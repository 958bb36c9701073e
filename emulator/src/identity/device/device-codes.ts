import { randomInt } from "node:crypto";
import type { Request, Response } from "express";
import { notePut, noteUnchanged, removeWhere } from "../../store/changes.ts";
import type { Store, DeepReadonly } from "../../store/store.ts";
import type { DeviceCode } from "../../store/types.ts";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { EntraError } from "../../errors/entra-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { sendJson } from "../../http/send-json.ts";
import type { IdentityDeps } from "../context.ts";
import { findAppRegistration, resolveApp, resolveTenantSegment } from "../directory.ts";
import { parseScopes } from "../scopes.ts";
import { apiLookup } from "../api-resource.ts";
import { newOpaqueGrant, sha256 } from "../tokens.ts";
import { sendEntraError } from "../token-endpoint.ts";

/** Entra's device codes live 15 minutes and ask clients to poll every 5 seconds. */
export const DEVICE_CODE_LIFETIME_S = 900;
export const DEVICE_CODE_INTERVAL_S = 5;
export const VERIFICATION_PATH = "/devicelogin";
/** Letters and digits a person reads without confusion (no 0/O, 1/I/L). */
const USER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function newUserCode(): string {
  let code = "";
  for (let i = 0; i < 9; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** POST /{tenant}/oauth2/v2.0/devicecode: starts the device authorization grant (RFC 8628). */
export function deviceCodeHandler(deps: IdentityDeps) {
  return (req: Request, res: Response): void => {
    try {
      const segment = resolveTenantSegment(deps.store, String(req.params.tenant));
      const params = (req.body ?? {}) as Record<string, unknown>;
      const clientId = typeof params.client_id === "string" ? params.client_id : undefined;
      const scope = typeof params.scope === "string" ? params.scope : undefined;
      if (!clientId) throw entraErrors.missingParameter("client_id");
      if (!scope) throw entraErrors.missingParameter("scope");
      const resolved = segment.kind === "tenant" ? resolveApp(deps.store, segment.tenantId, clientId) : findAppRegistration(deps.store, clientId);
      if (!resolved) throw entraErrors.unknownApplication(clientId, segment.segment);
      parseScopes(scope, apiLookup(deps.store, segment.kind === "tenant" ? segment.tenantId : undefined));
      const tenantId = segment.kind === "tenant" ? segment.tenantId : resolved.homeTenantId;
      const deviceCode = newOpaqueGrant(tenantId);
      const userCode = newUserCode();
      const now = deps.clock.nowMs();
      deps.store.write(tenantId, (t) => {
        removeWhere(t, "deviceCodes", (d) => new Date(d.expiresAt).getTime() + DEVICE_CODE_LIFETIME_S * 1000 <= now);
        const record: DeviceCode = {
          hash: sha256(deviceCode),
          userCode,
          clientId: resolved.app.appId,
          authority: segment.kind === "tenant" ? segment.tenantId : segment.segment,
          scopes: scope.split(/\s+/).filter(Boolean),
          issuedAt: new Date(now).toISOString(),
          expiresAt: new Date(now + DEVICE_CODE_LIFETIME_S * 1000).toISOString(),
          status: "pending",
          userId: null,
          userTenantId: null,
        };
        t.deviceCodes.push(record);
        notePut(t, "deviceCodes", record);
      });
      const verificationUri = `${ctxOf(res).origin}${VERIFICATION_PATH}`;
      res.setHeader("Cache-Control", "no-store, no-cache");
      sendJson(res, {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: DEVICE_CODE_LIFETIME_S,
        interval: DEVICE_CODE_INTERVAL_S,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      });
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(deps, res, err);
      throw err;
    }
  };
}

/** A pending, unexpired device code by the code a person typed (any case, spaces and dashes ignored). */
export function findPendingByUserCode(store: Store, nowMs: number, typed: string): { tenantId: string; record: DeepReadonly<DeviceCode> } | undefined {
  const code = typed.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z0-9]{6,12}$/.test(code)) return undefined;
  return store.readAll((tenants) => {
    for (const t of tenants) {
      const record = t.deviceCodes.find((d) => d.userCode === code);
      if (record && record.status === "pending" && new Date(record.expiresAt).getTime() > nowMs) return { tenantId: t.id, record };
    }
    return undefined;
  });
}

/** Records the person's answer at the verification page. */
export function settleDeviceCode(store: Store, tenantId: string, userCode: string, outcome: { approvedBy: { userId: string; tenantId: string } } | "declined"): void {
  store.write(tenantId, (t) => {
    const record = t.deviceCodes.find((d) => d.userCode === userCode && d.status === "pending");
    if (!record) return noteUnchanged(t);
    if (outcome === "declined") record.status = "declined";
    else {
      record.status = "approved";
      record.userId = outcome.approvedBy.userId;
      record.userTenantId = outcome.approvedBy.tenantId;
    }
    notePut(t, "deviceCodes", record);
  });
}
