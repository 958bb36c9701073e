import { randomUUID } from "node:crypto";

/**
 * An error in Entra ID's wire format (the token endpoint and the authorize
 * redirects). Build them with the catalogue in `entra-catalogue.ts`; serialize
 * them with `entraErrorBody`.
 */
export class EntraError extends Error {
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;
  readonly description: string;
  readonly suberror: string | undefined;
  readonly claims: string | undefined;
  /** Extra error codes Entra lists after the main one (e.g. 70002 before 54005). */
  readonly errorCodes: number[];

  constructor(init: {
    status: number;
    error: string;
    aadsts: number;
    description: string;
    suberror?: string;
    claims?: string;
    errorCodes?: number[];
  }) {
    super(`AADSTS${init.aadsts}: ${init.description}`);
    this.name = "EntraError";
    this.status = init.status;
    this.error = init.error;
    this.aadsts = init.aadsts;
    this.description = init.description;
    this.suberror = init.suberror;
    this.claims = init.claims;
    this.errorCodes = init.errorCodes ?? [init.aadsts];
  }
}

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Entra's timestamp style: "2016-01-09 02:02:12Z". */
export function entraTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/**
 * The one serializer for Entra errors. `correlationId` is the caller's
 * `client-request-id` when it sent one (Entra echoes it), else a new GUID.
 */
export function entraErrorBody(
  err: EntraError,
  ctx: { now: Date; origin: string; correlationId?: string | undefined; traceId?: string },
): EntraErrorBody {
  const traceId = ctx.traceId ?? randomUUID();
  const correlationId = ctx.correlationId && /^[0-9a-f-]{36}$/i.test(ctx.correlationId) ? ctx.correlationId : randomUUID();
  const timestamp = entraTimestamp(ctx.now);
  const body: EntraErrorBody = {
    error: err.error,
    error_description:
      `AADSTS${err.aadsts}: ${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: err.errorCodes,
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.origin}/error?code=${err.aadsts}`,
  };
  if (err.suberror) body.suberror = err.suberror;
  if (err.claims) body.claims = err.claims;
  return body;
}
