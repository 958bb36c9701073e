import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type Request, type Response } from "express";
import { ConfidentialClientApplication, CryptoProvider, InteractionRequiredAuthError, type AccountInfo } from "@azure/msal-node";
import type { SampleConfig } from "./config.ts";
import { GraphCallError, getNextEvents, getProfile } from "./graph.ts";
import { homePage, problemPage, signedOutPage, type EventsResult, type Problem } from "./views.ts";

/**
 * A web app as a developer would write it against Microsoft: Express and an
 * unmodified msal-node ConfidentialClientApplication doing the authorization
 * code flow with PKCE, then two Graph calls. Only the authority points at the
 * emulator (and its host is a known authority, so MSAL skips Microsoft's
 * instance discovery).
 */

interface Session {
  homeAccountId?: string;
  pending?: { state: string; verifier: string; nonce: string };
}

const COOKIE = "sample_sid";

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Entra's error_description is several lines (code and text, trace id, ...): keep the first. */
const firstLine = (text: string) => text.split(/\r?\n/)[0] ?? text;

function graphProblem(err: unknown): Problem {
  if (err instanceof GraphCallError) {
    const status = err.status ? `${err.status} ` : "";
    const retry = err.retryAfter ? ` Retry after ${err.retryAfter} seconds.` : "";
    const message = /[.!?]$/.test(err.message) ? err.message : `${err.message}.`;
    return { title: `Microsoft Graph answered ${status}${err.code}`, detail: `${message}${retry}` };
  }
  return { title: "Something went wrong", detail: (err as Error).message };
}

function msalProblem(err: unknown): Problem {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string };
  return { title: "Could not get a token", code: e.errorCode, detail: firstLine(e.errorMessage || e.message || String(err)) };
}

export function createSampleApp(config: SampleConfig, appUrl: string): Express {
  const authority = `${config.emulatorUrl}/${config.tenantId}`;
  const graphUrl = `${config.emulatorUrl}/v1.0`;
  const redirectUri = `${appUrl}/auth/callback`;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority,
      knownAuthorities: [new URL(config.emulatorUrl).host],
    },
  });
  const crypto = new CryptoProvider();
  const sessions = new Map<string, Session>();

  const sessionOf = (req: Request, res: Response): Session => {
    const id = readCookie(req, COOKIE);
    const existing = id ? sessions.get(id) : undefined;
    if (existing) return existing;
    const fresh = randomBytes(24).toString("base64url");
    const session: Session = {};
    sessions.set(fresh, session);
    res.cookie(COOKIE, fresh, { httpOnly: true, sameSite: "lax", path: "/" });
    return session;
  };
  const accountOf = async (session: Session): Promise<AccountInfo | null> =>
    session.homeAccountId ? msal.getTokenCache().getAccountByHomeId(session.homeAccountId) : null;

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.set({ "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'", "Cache-Control": "no-store" });
    next();
  });
  const html = (res: Response, body: string, status = 200) => void res.status(status).type("html").send(body);

  app.get("/", async (req, res) => {
    const session = sessionOf(req, res);
    const account = await accountOf(session);
    if (!account) return html(res, signedOutPage(config.emulatorUrl));
    let token: string;
    try {
      token = (await msal.acquireTokenSilent({ account, scopes: config.scopes })).accessToken;
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError) {
        delete session.homeAccountId;
        return html(res, signedOutPage(config.emulatorUrl, { title: "Please sign in again", code: err.errorCode, detail: firstLine(err.errorMessage) }));
      }
      return html(res, problemPage(config.emulatorUrl, "Could not reach your account", msalProblem(err), "signed-in"), 502);
    }
    const [profile, events] = await Promise.all([
      getProfile(graphUrl, token).then(
        (ok) => ({ ok }),
        (err: unknown) => ({ problem: graphProblem(err) }),
      ),
      getNextEvents(graphUrl, token).then(
        (list): EventsResult => ({ kind: "events", events: list }),
        (err: unknown): EventsResult => {
          // A missing calendar API (404), or a token without calendar permission (403): say so plainly.
          if (err instanceof GraphCallError && (err.status === 403 || err.status === 404 || err.status === 501)) {
            return { kind: "no-access", detail: `Graph answered ${err.status} ${err.code}.` };
          }
          return { kind: "problem", problem: graphProblem(err) };
        },
      ),
    ]);
    html(res, homePage(config.emulatorUrl, profile, events));
  });

  app.get("/signin", async (req, res) => {
    const session = sessionOf(req, res);
    const { verifier, challenge } = await crypto.generatePkceCodes();
    const pending = { state: crypto.createNewGuid(), verifier, nonce: crypto.createNewGuid() };
    session.pending = pending;
    try {
      const url = await msal.getAuthCodeUrl({
        scopes: config.scopes,
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: "S256",
        state: pending.state,
        nonce: pending.nonce,
        prompt: "select_account",
      });
      res.redirect(302, url);
    } catch (err) {
      html(res, problemPage(config.emulatorUrl, "Could not start sign-in", msalProblem(err)), 502);
    }
  });

  app.get("/auth/callback", async (req, res) => {
    const session = sessionOf(req, res);
    const q = req.query as Record<string, string | undefined>;
    const pending = session.pending;
    delete session.pending;
    if (q.error) {
      // Cancel on the consent page: AADSTS65004 with error_subcode=cancel (access_denied from /adminconsent).
      const declined = q.error_subcode === "cancel" || q.error === "access_denied" || /AADSTS65004/.test(q.error_description ?? "");
      return html(
        res,
        problemPage(config.emulatorUrl, declined ? "You did not give consent" : "Sign-in did not complete", {
          title: declined ? "The app cannot read your data without your consent." : `The identity provider answered ${q.error}.`,
          code: q.error,
          detail: firstLine(q.error_description ?? ""),
        }),
        declined ? 200 : 400,
      );
    }
    if (!pending || !q.code || q.state !== pending.state) {
      return html(res, problemPage(config.emulatorUrl, "Sign-in did not complete", { title: "Unexpected answer", detail: "The answer does not belong to a sign-in started here (state mismatch). Start again." }), 400);
    }
    try {
      const result = await msal.acquireTokenByCode(
        { code: q.code, scopes: config.scopes, redirectUri, codeVerifier: pending.verifier, state: pending.state, nonce: pending.nonce },
        { code: q.code, state: q.state, ...(q.client_info ? { client_info: q.client_info } : {}) },
      );
      session.homeAccountId = result.account?.homeAccountId;
      res.redirect(303, "/");
    } catch (err) {
      html(res, problemPage(config.emulatorUrl, "Sign-in did not complete", msalProblem(err)), 502);
    }
  });

  app.post("/signout", async (req, res) => {
    const session = sessionOf(req, res);
    const account = await accountOf(session);
    if (account) await msal.getTokenCache().removeAccount(account);
    delete session.homeAccountId;
    const logout = new URL(`${authority}/oauth2/v2.0/logout`);
    logout.searchParams.set("post_logout_redirect_uri", `${appUrl}/`);
    logout.searchParams.set("client_id", config.clientId);
    res.redirect(303, logout.toString());
  });

  return app;
}

export interface RunningSample {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens first (so port 0 works), then serves the app with its real URL. */
export async function startSampleApp(config: SampleConfig): Promise<RunningSample> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.appUrl ?? `http://localhost:${port}`;
  server.on("request", createSampleApp(config, url));
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
