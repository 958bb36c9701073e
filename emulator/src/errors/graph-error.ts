import type { Response } from "express";
import { ctxOf } from "../http/request-context.ts";

/** An error in Microsoft Graph's wire format. Build them with `graphErrors`. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "GraphError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Graph's innerError date style: "2021-05-18T19:03:10", UTC, no fraction or zone. */
function graphDate(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "");
}

/** The one serializer for Graph errors. */
export function sendGraphError(res: Response, err: GraphError, now: Date): void {
  const ctx = ctxOf(res);
  res
    .status(err.status)
    .set(err.headers)
    .json({
      error: {
        code: err.code,
        message: err.message,
        innerError: {
          date: graphDate(now),
          "request-id": ctx.requestId,
          "client-request-id": ctx.clientRequestId ?? ctx.requestId,
        },
      },
    });
}

/** Graph's `WWW-Authenticate` challenge on 401s. */
export function graphChallenge(origin: string): string {
  return `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
}

/** Graph errors, one factory per case, with Microsoft's status, code and message. */
export const graphErrors = {
  tokenEmpty: (origin: string) =>
    new GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", { "WWW-Authenticate": graphChallenge(origin) }),
  tokenNotJwt: (origin: string) =>
    new GraphError(
      401,
      "InvalidAuthenticationToken",
      "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
      { "WWW-Authenticate": graphChallenge(origin) },
    ),
  tokenInvalid: (origin: string) =>
    new GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.", { "WWW-Authenticate": graphChallenge(origin) }),
  tokenBadAudience: (origin: string) =>
    new GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", {
      "WWW-Authenticate": graphChallenge(origin),
    }),
  tokenBadIssuer: (origin: string) =>
    new GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer.", {
      "WWW-Authenticate": graphChallenge(origin),
    }),
  tokenExpired: (origin: string) =>
    new GraphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", {
      "WWW-Authenticate": graphChallenge(origin),
    }),
  identityNotFound: () =>
    new GraphError(401, "Authorization_IdentityNotFound", "The identity of the calling application could not be established."),
  meNeedsDelegated: () => new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow."),
  insufficientPrivileges: () => new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
  resourceNotFound: (id: string) =>
    new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  segmentNotFound: (segment: string) => new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`),
  invalidVersion: () => new GraphError(400, "BadRequest", "Invalid version."),
  invalidJson: () =>
    new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    ),
  bodyTooLarge: () => new GraphError(413, "RequestEntityTooLarge", "The request body is too large."),
};
