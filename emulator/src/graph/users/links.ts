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

/** How many skip tokens are kept made; the oldest go first. */
const MAX_SKIP_TOKENS = 256;
/**
 * Skip tokens already made, by query fingerprint and offset: a token is a
 * function of those two alone (JSON, base64url and a SHA-256 checksum), and
 * a client paging through a list asks for the same next page's token again.
 */
const skipTokens = new Map<string, string>();

function skipToken(fingerprint: string, offset: number): string {
  const key = `${fingerprint}:${offset}`;
  let token = skipTokens.get(key);
  if (token === undefined) {
    token = encodeSkipToken({ q: fingerprint, o: offset });
    if (skipTokens.size >= MAX_SKIP_TOKENS) skipTokens.delete(skipTokens.keys().next().value as string);
    skipTokens.set(key, token);
  }
  return token;
}

/** The absolute @odata.nextLink for the page starting at `offset` of the query `fingerprint`. */
export function nextPageLink(req: Request, res: Response, fingerprint: string, offset: number): string {
  return continuationLink(req, res, { $skiptoken: skipToken(fingerprint, offset) });
}
