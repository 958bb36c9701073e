import type { Request, Response } from "express";
import { encodeSkipToken } from "../odata/index.ts";
import { ctxOf } from "../../http/request-context.ts";

/** `https://host:port/v1.0/$metadata#users`, `#users/$entity`, `#users(displayName,id)` and so on. */
export function contextUrl(res: Response, set: string, select: readonly string[] | null, entity: boolean): string {
  const projection = select ? `(${select.join(",")})` : "";
  return `${ctxOf(res).origin}/v1.0/$metadata#${set}${projection}${entity ? "/$entity" : ""}`;
}

/** The request URL with its $skiptoken/$deltatoken removed and `extra` appended, on the origin the caller used. */
export function continuationLink(req: Request, res: Response, extra: Record<string, string>, drop: readonly string[] = ["$skiptoken", "$deltatoken"]): string {
  const url = req.originalUrl;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const kept = (q < 0 ? "" : url.slice(q + 1)).split("&").filter((pair) => {
    if (pair === "") return false;
    const name = pair.slice(0, pair.includes("=") ? pair.indexOf("=") : pair.length);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep undecodable names as they are
    }
    return !drop.includes(decoded.toLowerCase());
  });
  for (const [name, value] of Object.entries(extra)) kept.push(`${name}=${encodeURIComponent(value)}`);
  return `${ctxOf(res).origin}${path}${kept.length ? `?${kept.join("&")}` : ""}`;
}

/** The absolute @odata.nextLink for the page starting at `offset` of the query `fingerprint`. */
export function nextPageLink(req: Request, res: Response, fingerprint: string, offset: number): string {
  return continuationLink(req, res, { $skiptoken: encodeSkipToken({ q: fingerprint, o: offset }) });
}
