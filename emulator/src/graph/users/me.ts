import type { Request, Response } from "express";
import type { Store } from "../../store/store.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { ctxOf } from "../../http/request-context.ts";
import { principalOf } from "../auth.ts";
import { defaultUserView } from "./users-view.ts";

/** Delegated permissions that allow reading the signed-in user's profile. */
const ME_SCOPES = [
  "User.Read",
  "User.ReadWrite",
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Directory.AccessAsUser.All",
].map((s) => s.toLowerCase());

/** GET /v1.0/me: the signed-in user, default properties. */
export function getMe(store: Store) {
  return (_req: Request, res: Response): void => {
    const principal = principalOf(res);
    if (principal.kind !== "user") throw graphErrors.meNeedsDelegated();
    if (!principal.scopes.some((s) => ME_SCOPES.includes(s.toLowerCase()))) throw graphErrors.insufficientPrivileges();
    const user = store.read(principal.tenantId, (t) => t.users.find((u) => u.id === principal.userId));
    if (!user) throw graphErrors.resourceNotFound(principal.userId);
    res.json({ "@odata.context": `${ctxOf(res).origin}/v1.0/$metadata#users/$entity`, ...defaultUserView(user) });
  };
}
