/**
 * Opaque $skiptoken values: "v1." + base64url(JSON) + "." + checksum. The checksum (truncated SHA-256 over the
 * payload) catches edited or truncated tokens; it is not a security boundary. decodeSkipToken never throws.
 */
import { createHash } from "node:crypto";

const PREFIX = "v1.";
const MAX_TOKEN_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function checksum(payload: string): string {
  return createHash("sha256").update(`graph-emulator-skiptoken:${PREFIX}${payload}`).digest("base64url").slice(0, 12);
}

export function encodeSkipToken(state: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
  return `${PREFIX}${payload}.${checksum(payload)}`;
}

/** Returns the state, or undefined for anything malformed, tampered with or not produced by encodeSkipToken. */
export function decodeSkipToken(token: string): Record<string, unknown> | undefined {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) return undefined;
  const parts = token.slice(PREFIX.length).split(".");
  if (parts.length !== 2) return undefined;
  const [payload, sum] = parts as [string, string];
  if (!BASE64URL.test(payload) || sum !== checksum(payload)) return undefined;
  try {
    const json = Buffer.from(payload, "base64url").toString("utf8");
    if (Buffer.from(json, "utf8").toString("base64url") !== payload) return undefined;
    const state: unknown = JSON.parse(json);
    if (state === null || typeof state !== "object" || Array.isArray(state)) return undefined;
    return state as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
