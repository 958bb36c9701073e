import type { Request, Response } from "express";
import { graphErrors } from "../../errors/graph-error.ts";
import { resolveZone, UTC_ZONE, type Zone } from "./time-zones.ts";

/** What the caller asked for in `Prefer` headers that Outlook honours. */
export interface Preferences {
  /** Zone for returned times: the Prefer zone, else UTC. */
  zone: Zone;
  /** Body format asked for with outlook.body-content-type, if any. */
  bodyType: "text" | "html" | undefined;
  /** Page size asked for with odata.maxpagesize, if any. */
  maxPageSize: number | undefined;
  /** Preference-Applied entries to send back. */
  applied: string[];
}

/** Parses every Prefer header: `outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"`. */
function preferPairs(req: Request): Map<string, string> {
  const pairs = new Map<string, string>();
  const raw = req.headers["prefer"];
  const headers = Array.isArray(raw) ? raw : raw ? [raw] : [];
  for (const header of headers) {
    for (const m of header.matchAll(/([A-Za-z0-9_.-]+)\s*(?:=\s*(?:"([^"]*)"|([^,;\s]*)))?/g)) {
      const key = (m[1] as string).toLowerCase();
      if (!pairs.has(key)) pairs.set(key, m[2] ?? m[3] ?? "");
    }
  }
  return pairs;
}

/**
 * Reads the Prefer headers. An unknown outlook.timezone is a 400, as a body
 * zone is; an unknown body type is ignored (Outlook keeps HTML).
 */
export function preferencesOf(req: Request): Preferences {
  const pairs = preferPairs(req);
  const applied: string[] = [];
  let zone = UTC_ZONE;
  const tz = pairs.get("outlook.timezone");
  if (tz !== undefined) {
    const resolved = resolveZone(tz);
    if (!resolved) throw graphErrors.timeZoneNotSupported(tz);
    zone = resolved;
    applied.push(`outlook.timezone="${tz}"`);
  }
  let bodyType: "text" | "html" | undefined;
  const body = pairs.get("outlook.body-content-type")?.toLowerCase();
  if (body === "text" || body === "html") {
    bodyType = body;
    applied.push(`outlook.body-content-type="${body}"`);
  }
  let maxPageSize: number | undefined;
  const size = Number(pairs.get("odata.maxpagesize"));
  if (Number.isInteger(size) && size > 0) {
    maxPageSize = Math.min(size, 1000);
    applied.push(`odata.maxpagesize=${maxPageSize}`);
  }
  return { zone, bodyType, maxPageSize, applied };
}

/** Sends Preference-Applied for what was honoured. */
export function applyPreferences(res: Response, prefs: Preferences, which: ("timezone" | "body" | "pagesize")[]): void {
  const keys = { timezone: "outlook.timezone", body: "outlook.body-content-type", pagesize: "odata.maxpagesize" } as const;
  const wanted = which.map((w) => keys[w]);
  const applied = prefs.applied.filter((a) => wanted.some((k) => a.startsWith(`${k}=`)));
  if (applied.length > 0) res.set("Preference-Applied", applied.join(", "));
}
