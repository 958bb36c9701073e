import { isIP } from "node:net";
import { graphErrors } from "../../errors/graph-error.ts";

/**
 * Which notification URLs a subscription may name. Graph takes public HTTPS
 * URLs only (subscription.md: "This URL must make use of the HTTPS protocol").
 * The emulator takes any HTTPS URL, and plain HTTP only on this machine
 * (localhost, 127.0.0.0/8, ::1), so a test's receiver needs no certificate and
 * nothing unencrypted ever leaves the machine.
 */
export function checkNotificationUrl(text: string, property: "NotificationUrl" | "LifecycleNotificationUrl"): string {
  // WHATWG URLs read "https:////host/path" as https://host/path; Graph refuses it (nodejs-webhooks-sample#9).
  if (/^[a-z][a-z0-9+.-]*:\/\/\//i.test(text)) throw graphErrors.notificationUrlInvalid(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw graphErrors.notificationUrlInvalid(text);
  }
  if (!url.hostname || url.hash) throw graphErrors.notificationUrlInvalid(text);
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return text;
  if (scheme === "http" && isLoopback(url.hostname)) return text;
  throw graphErrors.notificationUrlScheme(property, scheme);
}

/** localhost (and names under it), 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}
