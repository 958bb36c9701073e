import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseCorsOrigins } from "./http/cors.ts";

// Zod checks only options, fixtures and control-plane bodies, never a Graph or token request: without
// generated code, the first check of each schema (most of what a start checks) costs about half.
z.config({ jitless: true });

/** The fixtures shipped with the emulator: Contoso and Fabrikam. */
export const BUNDLED_FIXTURES = fileURLToPath(new URL("../../fixtures/tenants", import.meta.url));

/** Every option, its default and its meaning. CLI flags and environment variables map onto these. */
export const DEFAULTS = {
  /** TCP port; 0 picks a free one. */
  port: 8443,
  /** Interface to bind; loopback unless you mean to expose it. */
  host: "127.0.0.1",
  /** Where state, certificates and signing keys live. */
  dataDir: ".graph-emulator",
  /** Keep directory state in memory only (certificates and keys still use dataDir when set). */
  inMemory: false,
  /** Tenant fixtures: a folder of JSON files or one JSON file. */
  fixtures: BUNDLED_FIXTURES,
  /** Origins browser apps may call Graph and the token endpoint from (CORS); none: closed. */
  corsOrigins: [],
} as const;

export const emulatorOptions = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port),
    host: z.string().min(1).default(DEFAULTS.host),
    /** `null` keeps everything, certificates and keys included, in memory. */
    dataDir: z.string().min(1).nullable().default(DEFAULTS.dataDir),
    inMemory: z.boolean().default(DEFAULTS.inMemory),
    fixtures: z.string().min(1).default(DEFAULTS.fixtures),
    /** Exact origins (scheme://host[:port]) or ["*"]; each is checked and normalized. */
    corsOrigins: z
      .array(z.string())
      .transform((values, ctx) => {
        try {
          return parseCorsOrigins(values);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: `corsOrigins: ${(err as Error).message}` });
          return z.NEVER;
        }
      })
      .default([]),
    /** Print nothing when ready (for in-process use). */
    quiet: z.boolean().default(false),
  })
  .strict();

export type EmulatorOptions = z.input<typeof emulatorOptions>;
export type EmulatorConfig = z.output<typeof emulatorOptions>;
