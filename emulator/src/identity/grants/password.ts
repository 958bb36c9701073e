import { entraErrors } from "../../errors/entra-catalogue.ts";
import { authenticateClient } from "../client-auth.ts";
import { apiLookup } from "../api-resource.ts";
import { findUserBySignInName } from "../directory.ts";
import { finishUserGrant } from "./user-tokens.ts";
import { parseScopes } from "../scopes.ts";
import type { Grant } from "./types.ts";

/**
 * grant_type=password (ROPC), for headless tests. Like Entra, it cannot show a
 * consent page, so unconsented scopes fail with AADSTS65001.
 */
export const passwordGrant: Grant = {
  grantType: "password",
  async handle(deps, req) {
    const { username, password } = req.params;
    if (!username) throw entraErrors.missingParameter("username");
    if (!password) throw entraErrors.missingParameter("password");
    const requested = parseScopes(req.params.scope, apiLookup(deps.store, req.segment.kind === "tenant" ? req.segment.tenantId : undefined));
    const found = findUserBySignInName(deps.store, req.segment, username);
    if (!found) {
      const where = req.segment.kind === "tenant" ? deps.store.read(req.segment.tenantId, (t) => t.defaultDomain) : req.segment.segment;
      throw entraErrors.userNotFound(where);
    }
    const { user, tenantId } = found;
    const resolved = await authenticateClient(deps, tenantId, req.params, req.authorization, req.origin);
    if (user.password !== password) throw entraErrors.badPassword();
    return finishUserGrant(deps, req, { tenantId, user, resolved, requested, consent: "required" });
  },
};
