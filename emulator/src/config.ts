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
  /** Where state, certificates and signing keys live (with inMemory and no dataDir: nowhere, all in memory). */
  dataDir: ".graph-emulator",
  /** Keep directory state in memory only (certificates and keys still use dataDir when one is named). */
  inMemory: false,
  /** Tenant fixtures: a folder of JSON files or one JSON file. */
  fixtures: BUNDLED_FIXTURES,
  /** Origins browser apps may call Graph and the token endpoint from (CORS); none: closed. */
  corsOrigins: [],
  /** Host names clients use besides localhost, 127.0.0.1 and ::1 (added to the TLS certificate). */
  hostnames: [],
} as const;

export const emulatorOptions = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port),
    host: z.string().min(1).default(DEFAULTS.host),
    /**
     * `null` keeps everything, certificates and keys included, in memory. Unset: DEFAULTS.dataDir,
     * or `null` with `inMemory`.
     */
    dataDir: z.string().min(1).nullable().optional(),
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
    /** Names (DNS names or IP addresses) clients reach the emulator by; each goes in its certificate. */
    hostnames: z
      .array(z.string().regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9.]+$|^[0-9A-Fa-f:]+$/, "a host name or IP address such as graph-emulator or 10.0.0.5"))
      .default([]),
    /**
     * The secret the control plane (/_emulator) and dashboard require in X-Emulator-Token. Unset:
     * none on loopback, a random one beyond it.
     */
    controlToken: z.string().min(16, "controlToken: at least 16 characters").regex(/^[\x21-\x7e]+$/, "controlToken: printable ASCII without spaces").optional(),
    /** Print nothing when ready (for in-process use). */
    quiet: z.boolean().default(false),
  })
  .strict();

export type EmulatorOptions = z.input<typeof emulatorOptions>;
export type EmulatorConfig = z.output<typeof emulatorOptions>;
