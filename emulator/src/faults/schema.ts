import { z } from "zod";

/** Faults by name: each produces Microsoft's exact wire format for that failure. */
export const ENTRA_FAULTS = [
  "tenant_not_found",
  "consent_required",
  "refresh_token_expired",
  "refresh_token_revoked",
  "invalid_client",
  "invalid_scope",
] as const;
export const GRAPH_FAULTS = [
  "authorization_request_denied",
  "identity_not_found",
  "throttled",
  "service_unavailable",
  "gateway_timeout",
] as const;
export const ANY_AREA_FAULTS = ["latency", "drop_connection"] as const;
export const FAULT_NAMES = [...ENTRA_FAULTS, ...GRAPH_FAULTS, ...ANY_AREA_FAULTS] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const faultInput = z
  .object({
    fault: z.enum(FAULT_NAMES),
    match: z
      .object({
        /** "notifications": POSTs to change-notification receivers (latency and drop_connection only; `path` matches their URL). */
        area: z.enum(["identity", "graph", "notifications"]).optional(),
        method: z.string().min(1).optional(),
        /** Case-insensitive substring of the path, or a regular expression written /like this/. */
        path: z.string().min(1).max(500).optional(),
        tenant: z.string().min(1).optional(),
        clientId: z.string().min(1).optional(),
        userId: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Fire this many times, then the rule is spent. */
    times: z.number().int().min(1).optional(),
    /** Fire with this probability (0 to 1), drawn from a seeded random source. */
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    /** ISO 8601 duration on the emulator clock after which the rule is gone, e.g. PT5M. */
    expiresIn: z.string().optional(),
    /** For `latency`: the added delay. */
    latencyMs: z.number().int().min(0).max(120_000).default(1000),
    /** For `throttled`, `service_unavailable`: the Retry-After seconds. */
    retryAfterSeconds: z.number().int().min(0).max(3600).default(10),
  })
  .strict()
  .refine((f) => f.match.area !== "notifications" || (ANY_AREA_FAULTS as readonly string[]).includes(f.fault), {
    message: "match.area notifications takes the faults latency and drop_connection",
    path: ["fault"],
  });
export type FaultInput = z.output<typeof faultInput>;

export const throttlingInput = z
  .object({
    /** Requests allowed per app and tenant in each window. */
    limit: z.number().int().min(1),
    windowSeconds: z.number().int().min(1).max(3600).default(10),
  })
  .strict();
export type ThrottlingConfig = z.output<typeof throttlingInput>;
