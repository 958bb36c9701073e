import type { Response } from "express";
import { ctxOf, type RequestContext } from "../http/request-context.ts";

/*
 * Over 300 lines: one catalogue per wire format (docs/architecture.md), so
 * every Graph error the emulator answers with stands in one file.
 */

/** An error in Microsoft Graph's wire format. Build them with `graphErrors`. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** Extra innerError fields some errors carry (e.g. the 429's code, message and status). */
  readonly inner: Record<string, string>;
  /** OData `details` (e.g. ObjectConflict on userPrincipalName); written only when set. */
  details?: { code: string; target: string }[];

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, inner: Record<string, string> = {}) {
    super(message);
    this.name = "GraphError";
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.inner = inner;
  }
}

/** Graph's innerError date style: "2021-05-18T19:03:10", UTC, no fraction or zone. */
function graphDate(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "");
}

/** A Graph error's body, as the request whose context is `ctx` gets it. */
export function graphErrorBody(err: GraphError, ctx: RequestContext, now: Date) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      innerError: {
        ...err.inner,
        date: graphDate(now),
        "request-id": ctx.requestId,
        "client-request-id": ctx.clientRequestId ?? ctx.requestId,
      },
    },
  };
}

/** The one serializer for Graph errors. */
export function sendGraphError(res: Response, err: GraphError, now: Date): void {
  res.locals.errorCode = err.code;
  res.status(err.status).set(err.headers).json(graphErrorBody(err, ctxOf(res), now));
}

/** Graph's `WWW-Authenticate` challenge on 401s. */
export function graphChallenge(origin: string): string {
  return `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
}

/** Attaches OData `details` to an error. */
function withDetails(err: GraphError, details: { code: string; target: string }[]): GraphError {
  err.details = details;
  return err;
}

/** A 401 for a bearer token Graph refuses, with the challenge that names the authority. */
function tokenRefused(origin: string, message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, { "WWW-Authenticate": graphChallenge(origin) });
}

/** Graph errors, one factory per case, with Microsoft's status, code and message. */
export const graphErrors = {
  tokenEmpty: (origin: string) => tokenRefused(origin, "Access token is empty."),
  tokenNotJwt: (origin: string) =>
    tokenRefused(
      origin,
      "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
    ),
  tokenInvalid: (origin: string) => tokenRefused(origin, "Access token validation failure."),
  tokenBadAudience: (origin: string) => tokenRefused(origin, "Access token validation failure. Invalid audience."),
  tokenBadIssuer: (origin: string) => tokenRefused(origin, "Access token validation failure. Invalid issuer."),
  tokenExpired: (origin: string) => tokenRefused(origin, "Access token has expired or is not yet valid."),
  identityNotFound: () =>
    new GraphError(401, "Authorization_IdentityNotFound", "The identity of the calling application could not be established."),
  meNeedsDelegated: () => new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow."),
  insufficientPrivileges: () => new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
  resourceNotFound: (id: string) =>
    new GraphError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  segmentNotFound: (segment: string) => new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new GraphError(
      429,
      "TooManyRequests",
      "Please retry again later.",
      { "Retry-After": String(retryAfterSeconds) },
      { code: "429", message: "Please retry after", status: "429" },
    ),
  serviceUnavailable: (retryAfterSeconds: number) =>
    new GraphError(503, "serviceNotAvailable", "Service Unavailable", { "Retry-After": String(retryAfterSeconds) }),
  gatewayTimeout: () =>
    new GraphError(
      504,
      "gatewayTimeout",
      "The server, while acting as a proxy, did not receive a timely response from the upstream server it needed to access in attempting to complete the request.",
    ),
  invalidVersion: () => new GraphError(400, "BadRequest", "Invalid version."),
  invalidJson: () =>
    new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    ),
  bodyTooLarge: () => new GraphError(413, "RequestEntityTooLarge", "The request body is too large."),
  /** Graph's 507 ("the maximum storage quota has been reached"), for a full disk under the emulator's state folder; emulator wording. */
  insufficientStorage: (cause: string) =>
    new GraphError(507, "quotaLimitReached", `The change was not saved: the emulator's state folder is out of space (${cause}). Nothing was changed; free some space and retry.`),
  /** The state folder refused a write for another reason (EIO, EROFS...); emulator wording. */
  storageUnavailable: (cause: string) =>
    new GraphError(503, "serviceNotAvailable", `The change was not saved: the emulator could not write its state folder (${cause}). Nothing was changed; retry later.`, { "Retry-After": "5" }),
  /** A file of the state folder could not be read when first needed (a mailbox's events); emulator wording. */
  storageUnreadable: (message: string) => new GraphError(503, "serviceNotAvailable", `${message} Other mailboxes still answer; see GET /_emulator/health.`),
  /** Emulator wording for OData's nesting quota (the reader refuses payloads nested deeper than MaxNestingDepth). */
  jsonTooDeep: (limit: number) =>
    new GraphError(400, "BadRequest", `The request payload nests arrays and objects deeper than the limit of ${limit} levels.`),

  // Calendar (Outlook) errors: Exchange's Error* codes. Sources in ../shared/reference/graph-users-calendar.md §3.2
  // unless a comment says the wording is the emulator's own.
  emptyPayload: () => new GraphError(400, "BadRequest", "Empty Payload. JSON content expected."),
  calendarAccessDenied: () => new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."),
  itemNotFound: () => new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store."),
  idMalformed: () => new GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed."),
  /** 404 with the path's user text (microsoft-graph-docs#7909, #4097). */
  invalidMailboxUser: (user: string) => new GraphError(404, "ErrorInvalidUser", `The requested user '${user}' is invalid.`),
  calendarViewWindowRequired: () =>
    new GraphError(400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."),
  /** calendarView and /instances windows are limited to 1825 days (microsoft-graph-docs#6284). */
  calendarViewRangeTooBig: () =>
    new GraphError(
      400,
      "ErrorInvalidRequest",
      "Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: 1825",
    ),
  /** Emulator wording: Graph's text for an unparsable startDateTime/endDateTime is not documented. */
  invalidParameterValue: (name: string, value: string) =>
    new GraphError(400, "ErrorInvalidParameter", `The value '${value}' of parameter '${name}' is invalid.`),
  /** Seen for Outlook body validation, e.g. an end before the start (microsoft-graph-docs#7919). */
  propertyValidationFailure: () => new GraphError(400, "ErrorPropertyValidationFailure", "At least one property failed validation."),
  /** Exchange's message for an unknown time zone name (also what Kopano's Graph clone copies). */
  timeZoneNotSupported: (name: string) =>
    new GraphError(400, "TimeZoneNotSupportedException", `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`),
  /** OData's messages for a body value of the wrong type or an unknown enum member. */
  requestBodyRead: (message: string) => new GraphError(400, "RequestBodyRead", message),
  /** Emulator wording (Exchange's ErrorRecurrenceHasNoOccurrence has no documented Graph text). */
  recurrenceHasNoOccurrence: () => new GraphError(400, "ErrorRecurrenceHasNoOccurrence", "The recurrence pattern has no occurrences in the given range."),
  occurrenceCrossingBoundary: () =>
    new GraphError(400, "ErrorOccurrenceCrossingBoundary", "Modified occurrence is crossing or overlapping adjacent occurrence."),
  /** A calendar name already in use in the mailbox (Exchange's ErrorFolderExists). */
  folderExists: () => new GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists."),
  /** Exchange's EWS text for deleting a distinguished folder such as the default calendar. */
  deleteDefaultCalendar: () => new GraphError(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted."),
  /** Message from api/event-cancel.md; the code is not documented (ErrorInvalidRequest is Exchange's generic 400). */
  cancelNotOrganizer: () =>
    new GraphError(400, "ErrorInvalidRequest", "Your request can't be completed. You need to be an organizer to cancel a meeting."),
  /** Emulator wording: the organizer answering their own meeting. */
  respondAsOrganizer: () => new GraphError(400, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized."),
  /** Emulator wording for the two 400s api/event-tentativelyaccept.md lists for proposedNewTime. */
  proposalNotAllowed: (why: string) => new GraphError(400, "ErrorInvalidRequest", `Your request can't be completed. ${why}`),
  /** calendarView delta refusing options it cannot track: Graph's answer as quoted in public client code. */
  deltaQueryNotSupported: () =>
    new GraphError(400, "ErrorInvalidUrlQuery", "The following parameters are not supported with change tracking over the 'CalendarView' resource: '$orderby, $filter, $select, $expand, $search'."),
  /** calendarView delta refusing $top: Graph's answer as quoted in public client code. */
  deltaTopNotSupported: () =>
    new GraphError(400, "ErrorInvalidUrlQuery", "The '$top' parameter is not supported with change tracking over the 'CalendarView' resource as page size cannot be guaranteed. Express page size preferences using the Prefer: odata.maxpagesize= header instead."),
  /** Outlook's 410 for a sync state it no longer keeps, `kept` newest first (microsoft-graph-docs#2350, #2877; concepts/errors.md: syncStateNotFound). */
  syncStateNotFound: (generation: number, ...kept: number[]) =>
    new GraphError(410, "SyncStateNotFound", `The sync state generation is not found; generation=${generation};[highest=${kept[0] ?? 0}]${kept.map((g) => `[${g}]`).join("")}.`),
  /** Emulator wording and code (one Graph clients handle beside syncStateNotFound): a token this service did not issue. Microsoft documents no answer. */
  syncStateInvalid: (option: "$skiptoken" | "$deltatoken") =>
    new GraphError(400, "SyncStateInvalid", `The ${option} is not valid: it was not issued for a calendarView delta of this service, or it was changed.`),
  /** Emulator wording for getSchedule and findMeetingTimes limits (Graph's text is not documented). */
  invalidScheduleRequest: (message: string) => new GraphError(400, "ErrorInvalidParameter", message),
  /** OData's message for an unknown $select property. */
  unknownProperty: (name: string, type: string) =>
    new GraphError(400, "RequestBroker--ParseUri", `Could not find a property named '${name}' on type '${type}'.`),
  /** Emulator wording for a malformed $filter/$orderby, with the parser's explanation. */
  invalidQuery: (message: string) => new GraphError(400, "BadRequest", message),
  // ---- Users (graph/users). Sources: reference graph-users-calendar.md §1.3, §1.4, §3 and the GitHub issues cited. ----
  /** learn Q&A 577870; microsoft-graph-docs-contrib#3260. */
  userFilterNotSupported: (property: string) =>
    new GraphError(400, "Request_UnsupportedQuery", `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`),
  /** msgraph-sdk-php#329 (a $filter naming a property the type lacks). */
  userPropertyNotDeclared: (property: string) =>
    new GraphError(400, "Request_UnsupportedQuery", `Property '${property}' does not exist as a declared property or extension property.`),
  /** Emulator wording, modelled on the filter clause message. */
  userSearchNotSupported: (property: string) =>
    new GraphError(400, "Request_UnsupportedQuery", `Unsupported or invalid query search clause specified for property '${property}' of resource 'User'.`),
  /** aad-advanced-queries.md: an advanced-only clause without ConsistencyLevel: eventual and $count=true. */
  unsupportedQuery: () => new GraphError(400, "Request_UnsupportedQuery", "Unsupported Query."),
  searchNeedsConsistencyLevel: () =>
    new GraphError(
      400,
      "Request_UnsupportedQuery",
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ),
  countNotSupported: () => new GraphError(400, "Request_BadRequest", "$count is not currently supported."),
  /** msgraph-metadata#135. */
  skipNotSupported: () => new GraphError(400, "Request_BadRequest", "'$skip' is not supported by the service."),
  /** As quoted in several Graph client projects (Request_UnsupportedQuery above 999). */
  invalidPageSize: (top: string) =>
    new GraphError(400, "Request_UnsupportedQuery", `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`),
  sortingNotSupported: () => new GraphError(400, "Request_UnsupportedQuery", "Sorting not supported for current query."),
  /** A query option that does not parse; the message is the parser's, naming the problem and its position. */
  userQuerySyntax: (message: string) => new GraphError(400, "Request_BadRequest", message),
  /** Microsoft.OData.Core wording for a repeated system query option. */
  duplicateQueryOption: (name: string) =>
    new GraphError(400, "BadRequest", `Query option '${name}' was specified more than once, but it must be specified at most once.`),
  /** Microsoft.OData.Core wording for an unknown system query option. */
  unknownQueryOption: (name: string) => new GraphError(400, "BadRequest", `The query parameter '${name}' is not supported.`),
  /**
   * user-list.md says this is a 501 but quotes no body; the code and wording
   * here are the emulator's own.
   */
  selectSingleOnly: (property: string) =>
    new GraphError(501, "NotImplemented", `The property '${property}' can only be selected when getting a single user, not when listing users.`),
  /** microsoft-graph-docs#8612 (Graph answered with an empty code there; the emulator says Request_BadRequest). */
  invalidSkipToken: () => new GraphError(400, "Request_BadRequest", "Invalid Skip Token"),
  /** Emulator wording, in the style of the skip token error. */
  invalidDeltaToken: () => new GraphError(400, "Request_BadRequest", "Invalid Delta Token"),
  /** MSGraph-SDK-Code-Generator#244 (maintainer's comment). */
  userPropertyRequired: (property: string) =>
    new GraphError(400, "Request_BadRequest", `Property ${property} value is required but is empty or missing.`),
  /** microsoft-graph-docs#5777. */
  userInvalidValue: (property: string) =>
    withDetails(new GraphError(400, "Request_BadRequest", `Invalid value specified for property '${property}' of resource 'User'.`), [
      { code: "InvalidValue", target: property },
    ]),
  /** PnP-Sites-Core#1807 (an undeclared property in a directory object body). */
  invalidBodyProperty: (property: string) => new GraphError(400, "Request_BadRequest", `Invalid property '${property}'.`),
  readOnlyProperty: (property: string) => new GraphError(400, "Request_BadRequest", `Property '${property}' is read-only and cannot be set.`),
  /** microsoft-graph-docs#1508 (maintainer's reply). */
  upnConflict: () =>
    withDetails(new GraphError(400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists."), [
      { code: "ObjectConflict", target: "userPrincipalName" },
    ]),
  upnDomainInvalid: () =>
    withDetails(
      new GraphError(
        400,
        "Request_BadRequest",
        "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.",
      ),
      [{ code: "InvalidValue", target: "userPrincipalName" }],
    ),
  passwordComplexity: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "The specified password does not comply with password complexity requirements. Please provide a different password.",
    ),
  /** Microsoft.OData.Core reader messages for JSON of the wrong shape or type (Graph answers BadRequest with them). */
  jsonNodeMismatch: (found: string, expected: string) =>
    new GraphError(400, "BadRequest", `An unexpected '${found}' node was found when reading from the JSON reader. A '${expected}' node was expected.`),
  jsonLiteralMismatch: (literal: string, type: string) =>
    new GraphError(400, "BadRequest", `Cannot convert the literal '${literal}' to the expected type '${type}'.`),
  jsonPrimitiveMismatch: (type: string) =>
    new GraphError(400, "BadRequest", `Cannot convert a primitive value to the expected type '${type}'. See the inner exception for more details.`),
  jsonUndeclaredProperty: (property: string, type: string) =>
    new GraphError(
      400,
      "BadRequest",
      `The property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    ),
  jsonNullNotAllowed: (property: string, type: string) =>
    new GraphError(
      400,
      "BadRequest",
      `A null value was found for the property named '${property}', which has the expected type '${type}[Nullable=False]'. The expected type '${type}[Nullable=False]' does not allow null values.`,
    ),
  /** Entra's answer to a reference that is not a directory object id. */
  invalidObjectIdentifier: (value: string) => new GraphError(400, "Request_BadRequest", `Invalid object identifier '${value}'.`),
  /** Emulator wording: a $ref body without @odata.id. */
  refMissingOdataId: () => new GraphError(400, "BadRequest", "The request body must contain an '@odata.id' property naming the directory object."),
  /** Emulator wording: Entra refuses a manager loop on oneself. */
  managerIsSelf: () => new GraphError(400, "Request_BadRequest", "A user cannot be their own manager."),

  // ---- Change notifications (graph/subscriptions). Sources: the GitHub issues and client code cited (Graph's answers as
  // quoted there); "emulator wording" where Graph's text is not on record. ----
  /** microsoftgraph/microsoft-graph-docs#3041, #2231 (an expirationDateTime that does not parse, a value of the wrong type). */
  subscriptionPayloadUnreadable: () =>
    new GraphError(400, "InvalidRequest", "Could not process subscription creation payload. Are all property names spelled and camelCased properly?"),
  /** msgraph-sdk-python#330 (a subscription without expirationDateTime, 2023). */
  subscriptionExpirationMissing: () => new GraphError(400, "InvalidRequest", "expirationDateTime must be provided with the subscription."),
  /**
   * microsoft-graph-docs#2988 (4230 minutes, 2018); the same text with 10070 for Outlook resources is quoted from live
   * Graph in several clients' sources (the docs' table says 10,080).
   */
  subscriptionExpirationTooFar: (maxMinutes: number) => new GraphError(400, "ExtensionError", `Subscription expiration can only be ${maxMinutes} minutes in the future.`),
  /** Emulator wording, in the style of the maximum's message: an expirationDateTime that is not in the future. */
  subscriptionExpirationPast: () => new GraphError(400, "ExtensionError", "Subscription expiration must be in the future."),
  /** microsoft-graph-docs#4819 (`created` on users, 2019): an unknown or empty changeType. */
  subscriptionChangeTypeInvalid: (value: string) => new GraphError(400, "InvalidRequest", `Invalid 'changeType' attribute: '${value}'.`),
  /** nodejs-webhooks-sample#9 (a notificationUrl that does not parse). */
  notificationUrlInvalid: (url: string) => new GraphError(400, "InvalidRequest", `Invalid notification url='${url}'.`),
  /** microsoft-graph-docs-contrib#7821 (an http notificationUrl; the emulator also takes http on loopback). */
  notificationUrlScheme: (property: "NotificationUrl" | "LifecycleNotificationUrl", scheme: string) =>
    new GraphError(400, "InvalidRequest", `${property} scheme='${scheme}' is not supported.`),
  /** splunk/azure-functions-splunk#26, nodejs-webhooks-sample#158: the receiver did not answer 200 (or could not be reached). */
  subscriptionValidationFailed: () =>
    new GraphError(400, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request."),
  /** java-spring-webhooks-sample#82: the receiver answered 200 with another text than the token. */
  subscriptionValidationMismatch: () =>
    new GraphError(400, "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter."),
  /** nodejs-webhooks-sample#350: the receiver did not answer within 10 seconds. */
  subscriptionValidationTimedOut: () => new GraphError(400, "InvalidRequest", "Subscription validation request timed out."),
  /** Emulator wording: subscription.md limits clientState to 128 characters, without the refusal's text. */
  clientStateTooLong: () => new GraphError(400, "InvalidRequest", "The clientState property must contain at most 128 characters."),
  /** Emulator wording: a resource the emulator does not send change notifications for. */
  subscriptionResourceUnsupported: (resource: string) =>
    new GraphError(
      400,
      "InvalidRequest",
      `The emulator does not send change notifications for the resource '${resource}'. It serves me/events, users/{id}/events, users/{id}/calendar/events, users/{id}/calendars/{id}/events (and their me/ forms), users and users/{id}.`,
    ),
  /** Emulator wording: rich notifications (includeResourceData) are not emulated. */
  subscriptionResourceDataUnsupported: () =>
    new GraphError(400, "InvalidRequest", "The emulator does not send resource data in change notifications; leave includeResourceData unset or false."),
  /** Outlook's answer through the subscription service for a mailbox that does not exist (microsoft-graph-docs-contrib#3201). */
  subscriptionUserInvalid: (operation: string, user: string) =>
    new GraphError(404, "ExtensionError", `Operation: ${operation}; Exception: [Status Code: NotFound; Reason: The requested user '${user}' is invalid.]`),
  /** Outlook's answer through the subscription service for a resource it cannot read (msgraph-sdk-java#2421). */
  subscriptionResourceInvalid: (operation: string, resource: string) =>
    new GraphError(400, "ExtensionError", `Operation: ${operation}; Exception: [Status Code: BadRequest; Reason: The value '${resource}' of parameter 'Resource' is invalid.]`),
  /** microsoft-graph-docs-contrib#8573 and subscription-post-subscriptions.md; the code ObjectIdentifierInUse as quoted in abraunegg/onedrive's source. */
  subscriptionDuplicate: (id: string) => new GraphError(409, "ObjectIdentifierInUse", `Subscription Id ${id} already exists for the requested combination`),
  /** msgraph-sdk-php#221, microsoft-graph-docs#5725: a subscription that does not exist (or that the app did not create). */
  subscriptionNotFound: () => new GraphError(404, "ResourceNotFound", "The object was not found."),
  /** msgraph-sdk-java#2323 (a PATCH with neither property). */
  subscriptionUpdateEmpty: () =>
    new GraphError(400, "InvalidRequest", "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value."),

  /** Emulator wording: a $batch body (graph/batch; rules in concepts/json-batching.md and known-issues.md) without a `requests` array, or with an empty one (Graph's text is not documented). */
  batchRequestsMissing: () => new GraphError(400, "BadRequest", "The batch request body must be a JSON object with a 'requests' array of 1 to 20 requests."),
  /** Emulator wording: json-batching.md documents the limit of 20 requests, not the text of the refusal. */
  batchTooManyRequests: () => new GraphError(400, "BadRequest", "Batch request exceeds the maximum number of 20 requests."),
  /** Emulator wording: a request of the batch that is not an object or has no `id` (the position counts from 1). */
  batchRequestWithoutId: (position: number) => new GraphError(400, "BadRequest", `The request at position ${position} of the batch has no 'id'.`),
  /**
   * msgraph-sdk-java#559 and msgraph-sdk-javascript#433 (full JSON, 400 BadRequest); microsoft-graph-docs#4449 (ids
   * "a" and "A" are the same id).
   */
  batchDuplicateId: (id: string) => new GraphError(400, "BadRequest", `Request Id ${id} has to be unique in a batch.`),
  /** Emulator wording: a request of the batch without `method` or `url`. */
  batchRequestMissing: (id: string, property: string) => new GraphError(400, "BadRequest", `Request Id ${id} has no '${property}'.`),
  /** Emulator wording: an HTTP method Graph's batch does not carry. */
  batchMethodUnsupported: (id: string, method: string) =>
    new GraphError(400, "BadRequest", `Request Id ${id} has the method '${method}'; a batch carries GET, POST, PATCH, PUT and DELETE requests.`),
  /** Emulator wording: known-issues.md says batch URLs must be relative (Graph prefixes the batch's version). */
  batchUrlNotRelative: (id: string) =>
    new GraphError(400, "BadRequest", `Request Id ${id} has an absolute url; the urls of a batch are relative to its version, such as /me.`),
  /** Emulator wording: `headers` that are not an object of strings. */
  batchHeadersInvalid: (id: string) => new GraphError(400, "BadRequest", `Request Id ${id} has 'headers' that are not a JSON object of strings.`),
  /** Emulator wording: known-issues.md says a batch must not contain another batch. */
  batchNested: (id: string) => new GraphError(400, "BadRequest", `Request Id ${id} is a $batch request; a batch cannot contain another batch.`),
  /** microsoft/msgraph-sdk-dotnet#2628 (a POST step without Content-Type or body, 2024); json-batching.md: a body needs Content-Type. */
  batchWriteWithoutContentType: (id: string) => new GraphError(400, "BadRequest", `Write request id : ${id} does not contain Content-Type header or body.`),
  /** msgraph-sdk-dotnet-core#891 ("Invalid dependency for request Id..." when a dependency is not earlier in the batch; the rest is the emulator's). */
  batchInvalidDependency: (id: string) => new GraphError(400, "BadRequest", `Invalid dependency for request Id ${id}.`),
  /** microsoft-graph-docs-contrib#2339 (400 for a batch that mixes parallel and sequential requests); json-batching.md's tip. */
  batchMixedDependencies: () => new GraphError(400, "BadRequest", "Batch should be either fully sequential or fully parallel."),
  /** Emulator wording: json-batching.md gives the status (424 Failed Dependency) of a request whose dependency failed, not its body. */
  batchFailedDependency: (id: string, dependency: string) =>
    new GraphError(424, "FailedDependency", `Request Id ${id} was not run: the request it depends on (Request Id ${dependency}) failed.`),
};
