import { graphErrors } from "../../errors/graph-error.ts";
import { checkNotificationUrl } from "./url-policy.ts";

/**
 * Reading a subscription's body (POST /subscriptions, PATCH
 * /subscriptions/{id}): the properties of subscription.md, each of its type;
 * values that do not fit are refused as Graph refuses them.
 */

/** Every property of microsoft.graph.subscription (resources/subscription.md). */
const PROPERTIES = new Set([
  "id",
  "resource",
  "changeType",
  "clientState",
  "notificationUrl",
  "lifecycleNotificationUrl",
  "expirationDateTime",
  "applicationId",
  "creatorId",
  "includeResourceData",
  "encryptionCertificate",
  "encryptionCertificateId",
  "latestSupportedTlsVersion",
  "notificationContentType",
  "notificationQueryOptions",
  "notificationUrlAppId",
]);

const TLS_VERSIONS = ["v1_0", "v1_1", "v1_2", "v1_3"];
const CHANGE_TYPES = new Set(["created", "updated", "deleted"]);
/** An ISO 8601 instant with its zone (Graph's DateTimeOffset), any number of fraction digits. */
const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

export interface CreateInput {
  resource: string;
  changeType: string;
  changeTypes: ReadonlySet<string>;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationMs: number;
  latestSupportedTlsVersion: string;
}

export interface UpdateInput {
  expirationMs?: number;
  notificationUrl?: string;
}

type Body = Record<string, unknown>;

function bodyOf(raw: unknown): Body {
  if (raw === undefined || raw === null) throw graphErrors.emptyPayload();
  if (typeof raw !== "object" || Array.isArray(raw)) throw graphErrors.subscriptionPayloadUnreadable();
  const body = raw as Body;
  for (const key of Object.keys(body)) {
    if (!PROPERTIES.has(key) && !key.startsWith("@odata.")) throw graphErrors.jsonUndeclaredProperty(key, "microsoft.graph.subscription");
  }
  return body;
}

/** A string property, absent as undefined; null or another type is refused. */
function text(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw graphErrors.subscriptionPayloadUnreadable();
  return v;
}

/** A string property that may be null. */
function nullableText(body: Body, key: string): string | null | undefined {
  return body[key] === null ? null : text(body, key);
}

/** Milliseconds of an ISO 8601 instant with a zone; the payload error otherwise. */
export function parseInstant(value: string): number {
  const m = INSTANT.exec(value.trim());
  const ms = m ? Date.parse(`${m[1]}${m[2] ? `.${m[2].slice(0, 3)}` : ""}${m[3]}`) : NaN;
  if (!Number.isFinite(ms)) throw graphErrors.subscriptionPayloadUnreadable();
  return ms;
}

/** The changeType list: each value known, at least one. */
export function readChangeTypes(value: string): Set<string> {
  const parts = value.split(",").map((p) => p.trim());
  for (const p of parts) if (!CHANGE_TYPES.has(p.toLowerCase())) throw graphErrors.subscriptionChangeTypeInvalid(p);
  return new Set(parts.map((p) => p.toLowerCase()));
}

/** POST /subscriptions: everything but what depends on the resource (its rules, the caller's access). */
export function readCreateInput(raw: unknown): CreateInput {
  const body = bodyOf(raw);
  const resource = text(body, "resource") ?? "";
  const changeType = text(body, "changeType") ?? "";
  const changeTypes = readChangeTypes(changeType);
  const notificationUrl = checkNotificationUrl(text(body, "notificationUrl") ?? "", "NotificationUrl");
  const lifecycle = nullableText(body, "lifecycleNotificationUrl");
  const lifecycleNotificationUrl = lifecycle ? checkNotificationUrl(lifecycle, "LifecycleNotificationUrl") : null;
  const clientState = nullableText(body, "clientState") ?? null;
  if (clientState !== null && clientState.length > 128) throw graphErrors.clientStateTooLong();
  const expiration = text(body, "expirationDateTime");
  if (expiration === undefined) throw graphErrors.subscriptionExpirationMissing();
  const expirationMs = parseInstant(expiration);
  const include = body.includeResourceData;
  if (include !== undefined && include !== null && typeof include !== "boolean") throw graphErrors.subscriptionPayloadUnreadable();
  if (include === true) throw graphErrors.subscriptionResourceDataUnsupported();
  const tls = nullableText(body, "latestSupportedTlsVersion") ?? "v1_2";
  if (!TLS_VERSIONS.includes(tls)) throw graphErrors.subscriptionPayloadUnreadable();
  return { resource, changeType, changeTypes, notificationUrl, lifecycleNotificationUrl, clientState, expirationMs, latestSupportedTlsVersion: tls };
}

/** PATCH /subscriptions/{id}: a new expirationDateTime, a new notificationUrl, or both (other properties are kept as they are). */
export function readUpdateInput(raw: unknown): UpdateInput {
  const body = bodyOf(raw);
  const expiration = text(body, "expirationDateTime");
  const url = text(body, "notificationUrl");
  if (expiration === undefined && url === undefined) throw graphErrors.subscriptionUpdateEmpty();
  return {
    ...(expiration !== undefined ? { expirationMs: parseInstant(expiration) } : {}),
    ...(url !== undefined ? { notificationUrl: checkNotificationUrl(url, "NotificationUrl") } : {}),
  };
}

/** An expiration within the resource's lifetime from now: Graph's 400s otherwise. */
export function checkExpiration(expirationMs: number, nowMs: number, maxMinutes: number): void {
  if (expirationMs <= nowMs) throw graphErrors.subscriptionExpirationPast();
  if (expirationMs - nowMs > maxMinutes * 60_000) throw graphErrors.subscriptionExpirationTooFar(maxMinutes);
}
