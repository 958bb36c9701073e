import { notePut, noteUnchanged, removeWhere } from "../store/changes.ts";
import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { IdentityDeps } from "./context.ts";
import { findUserById, type TenantSegment } from "./directory.ts";

export const SESSION_COOKIE = "emulator_session";

/** Reads one cookie. Hand-written: a single cookie does not warrant cookie-parser middleware. */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // Bad percent-encoding names no session: the caller signs in again.
      }
    }
  }
  return undefined;
}

export interface ActiveSession {
  sessionId: string;
  tenantId: string;
  userId: string;
}

/** The browser's sign-in session, if its cookie names a live session usable on this tenant path. */
export function currentSession(deps: IdentityDeps, req: Request, segment: TenantSegment): ActiveSession | undefined {
  const value = readCookie(req, SESSION_COOKIE);
  const m = value ? /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/i.exec(value) : null;
  if (!m) return undefined;
  const [, tenantId, sessionId] = m as unknown as [string, string, string];
  if (!deps.store.resolveTenant(tenantId)) return undefined;
  if (segment.kind === "tenant" && segment.tenantId !== tenantId) return undefined;
  const session = deps.store.read(tenantId, (t) => t.sessions.find((s) => s.id === sessionId));
  if (!session) return undefined;
  const user = findUserById(deps.store, tenantId, session.userId);
  if (!user || !user.accountEnabled) return undefined;
  return { sessionId, tenantId, userId: session.userId };
}

export function startSession(deps: IdentityDeps, res: Response, tenantId: string, userId: string): ActiveSession {
  const sessionId = randomUUID();
  const createdAt = deps.clock.now().toISOString();
  deps.store.write(tenantId, (t) => {
    removeWhere(t, "sessions", (s) => s.userId === userId);
    const session = { id: sessionId, userId, createdAt };
    t.sessions.push(session);
    notePut(t, "sessions", session);
  });
  res.cookie(SESSION_COOKIE, `${tenantId}.${sessionId}`, { httpOnly: true, secure: true, sameSite: "lax", path: "/" });
  return { sessionId, tenantId, userId };
}

export function endSession(deps: IdentityDeps, req: Request, res: Response, segment: TenantSegment): void {
  const session = currentSession(deps, req, segment);
  if (session) deps.store.write(session.tenantId, (t) => removeWhere(t, "sessions", (s) => s.id === session.sessionId) || noteUnchanged(t));
  res.clearCookie(SESSION_COOKIE, { path: "/" });
}
