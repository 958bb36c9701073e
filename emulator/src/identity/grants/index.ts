import { authorizationCodeGrant } from "./authorization-code.ts";
import { clientCredentialsGrant } from "./client-credentials.ts";
import { deviceCodeGrant } from "./device-code.ts";
import { onBehalfOfGrant } from "./on-behalf-of.ts";
import { passwordGrant } from "./password.ts";
import { refreshTokenGrant } from "./refresh-token.ts";
import type { Grant } from "./types.ts";

/** The grant types the token endpoint accepts, by `grant_type`. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([
  ...[authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, passwordGrant, deviceCodeGrant, onBehalfOfGrant].map((g) => [g.grantType, g] as const),
  // MSAL sends the device code grant by its short name, which Entra accepts besides RFC 8628's URN.
  ["device_code", deviceCodeGrant],
]);
