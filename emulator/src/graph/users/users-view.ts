import type { DeepReadonly } from "../../store/store.ts";
import type { User } from "../../store/types.ts";

/** Graph's default property set for a user when there is no $select. */
export const DEFAULT_USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

/** A user as Graph returns it by default: unset properties are null, never missing. */
export function defaultUserView(user: DeepReadonly<User>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of DEFAULT_USER_PROPERTIES) out[p] = user[p] ?? null;
  return out;
}
