import { notePut, noteUnchanged } from "../../store/changes.ts";
import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateClient } from "../client-auth.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserById, resolveApp } from "../directory.ts";
import { finishUserGrant } from "./user-tokens.ts";
import { parseScopes } from "../scopes.ts";
import { sha256, tenantOfOpaqueGrant } from "../tokens.ts";
import type { Grant } from "./types.ts";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * grant_type=urn:ietf:params:oauth:grant-type:device_code: the client polls with
 * its device_code until the person approves at the verification page. Pending,
 * declined, expired (on the emulator clock) and unknown codes answer Entra's errors;
 * an approved code is redeemed once.
 */
export const deviceCodeGrant: Grant = {
  grantType: DEVICE_CODE_GRANT,
  async handle(deps, req) {
    const text = req.params.device_code ?? req.params.code;
    if (!text) throw entraErrors.missingParameter("device_code");
    const named = tenantOfOpaqueGrant(text);
    const tenantId = named ? deps.store.resolveTenant(named) : undefined;
    if (!tenantId || (req.segment.kind === "tenant" && req.segment.tenantId !== tenantId)) throw entraErrors.badVerificationCode();
    const resolved = await authenticateClient(deps, tenantId, req.params, req.authorization, req.origin);
    const hash = sha256(text);
    const record = deps.store.read(tenantId, (t) => t.deviceCodes.find((d) => d.hash === hash));
    if (!record || record.clientId.toLowerCase() !== resolved.app.appId.toLowerCase() || record.status === "redeemed") {
      throw entraErrors.badVerificationCode();
    }
    if (deps.clock.nowMs() >= new Date(record.expiresAt).getTime()) throw entraErrors.deviceCodeExpired();
    if (record.status === "pending") throw entraErrors.authorizationPending();
    if (record.status === "declined") throw entraErrors.authorizationDeclined();
    const userTenantId = record.userTenantId ?? tenantId;
    const user = record.userId ? findUserById(deps.store, userTenantId, record.userId) : undefined;
    if (!user) throw entraErrors.badVerificationCode();
    if (!user.accountEnabled) throw entraErrors.userDisabled();
    deps.store.write(tenantId, (t) => {
      const r = t.deviceCodes.find((d) => d.hash === hash);
      if (!r) return noteUnchanged(t);
      r.status = "redeemed";
      notePut(t, "deviceCodes", r);
    });
    const app = resolveApp(deps.store, userTenantId, resolved.app.appId);
    const requested = parseScopes(record.scopes.join(" "), apiLookup(deps.store, userTenantId));
    return finishUserGrant(deps, req, { tenantId: userTenantId, user, resolved: app, requested, consent: "required" });
  },
};
