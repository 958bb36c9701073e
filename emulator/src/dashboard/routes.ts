import { noteUnchanged, removeWhere } from "../store/changes.ts";
import express, { Router, type Request, type Response } from "express";
import type { Clock } from "../clock.ts";
import { parseDuration } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { RequestJournal } from "../journal/journal.ts";
import type { FaultEngine } from "../faults/engine.ts";
import { faultInput } from "../faults/schema.ts";
import { AdminError, revokeSignInSessions } from "../tenants/admin.ts";
import { describeIssues } from "../tenants/schemas.ts";
import { DASHBOARD_CSS, JOURNAL_JS } from "./assets.ts";
import { CsrfGuard } from "./csrf.ts";
import { journalNames, tenantOverview } from "./data.ts";
import { UI, type PageContext } from "./layout.ts";
import { calendarsPage } from "./views/calendars.ts";
import { clockPage } from "./views/clock.ts";
import { EMPTY_FAULT_FORM, faultBody, faultsPage, readFaultForm } from "./views/faults.ts";
import { overviewPage, tenantsPage } from "./views/overview.ts";
import { journalParams, readFilters, requestsPage } from "./views/requests.ts";
import { applicationsPage, usersPage } from "./views/tenant.ts";
import { journalQuery } from "../journal/journal.ts";

export interface DashboardDeps {
  store: Store;
  clock: Clock;
  journal: RequestJournal;
  faults: FaultEngine;
}

/** Confirmations after an action, by the code in ?done= (never text taken from the URL). */
const NOTICES: Record<string, string> = {
  clock: "The clock moved.",
  "clock-reset": "The clock is back to real time.",
  "fault-added": "Fault added. Matching requests now fail.",
  "fault-removed": "Fault removed.",
  "faults-cleared": "Every fault removed.",
  revoked: "Sign-in sessions revoked: the user's refresh tokens no longer work.",
  "consent-revoked": "Consent revoked: the app must ask again.",
  "journal-cleared": "Journal cleared.",
};

const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/**
 * The emulator dashboard at /_emulator/ui: server-rendered pages over the
 * same state as the control plane. Every action is a plain form POST that
 * redirects back (303), guarded against cross-site use (csrf.ts).
 */
export function dashboardRouter(deps: DashboardDeps): Router {
  const { store, clock, journal, faults } = deps;
  const guard = new CsrfGuard();
  const router = Router({ caseSensitive: false, strict: false });

  router.use((_req, res, next) => {
    res.set({
      "Content-Security-Policy": CSP,
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cache-Control": "no-store",
    });
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 100 }));
  router.use(guard.middleware());

  const ctx = (req: Request, extra: Partial<PageContext> = {}): PageContext => {
    const done = typeof req.query.done === "string" ? NOTICES[req.query.done] : undefined;
    return { now: clock.now(), csrfToken: guard.token, notice: done, ...extra };
  };
  const send = (res: Response, body: string, status = 200) => void res.status(status).type("html").send(body);
  const back = (res: Response, path: string, done: string, hash = "") => res.redirect(303, `${UI}${path}${path.includes("?") ? "&" : "?"}done=${done}${hash}`);
  const tenantOr404 = (req: Request, res: Response): string | undefined => {
    const id = store.resolveTenant(String(req.params.tenant));
    if (!id) send(res, notFound(req, `Tenant '${String(req.params.tenant)}' does not exist.`), 404);
    return id;
  };
  const notFound = (req: Request, message: string) => tenantsPage(ctx(req, { error: message }), overviews());
  // Counts cover every mailbox, so the events still on disk are read first (store.loadAll).
  const overviews = () =>
    store.listTenants().map((s) => {
      store.loadAll(s.id);
      return store.read(s.id, (t) => tenantOverview(t, clock.nowMs()));
    });

  router.get("/assets/dashboard.css", (_req, res) => void res.type("text/css").set("Cache-Control", "no-cache").send(DASHBOARD_CSS));
  router.get("/assets/journal.js", (_req, res) => void res.type("text/javascript").set("Cache-Control", "no-cache").send(JOURNAL_JS));

  router.get("/", (req, res) => {
    const all = journal.query();
    const errors = all.filter((e) => e.status >= 400 && e.area !== "control").slice(-8).reverse();
    send(res, overviewPage(ctx(req), { tenants: overviews(), faults: faults.list(), errors, requestCount: all.length, offsetMs: clock.offsetMs }));
  });
  router.get("/tenants", (req, res) => send(res, tenantsPage(ctx(req), overviews())));
  router.get("/tenants/:tenant", (req, res) => {
    const id = tenantOr404(req, res);
    if (id) send(res, store.read(id, (t) => applicationsPage(ctx(req), t)));
  });
  router.get("/tenants/:tenant/users", (req, res) => {
    const id = tenantOr404(req, res);
    if (id) send(res, store.read(id, (t) => usersPage(ctx(req), t)));
  });
  router.get("/tenants/:tenant/calendars", (req, res) => {
    const id = tenantOr404(req, res);
    const user = typeof req.query.user === "string" && req.query.user ? req.query.user : undefined;
    if (!id) return;
    store.loadAll(id);
    send(res, store.read(id, (t) => calendarsPage(ctx(req), t, user)));
  });

  router.post("/tenants/:tenant/users/:user/revoke", (req, res) => {
    const id = tenantOr404(req, res);
    if (!id) return;
    try {
      store.write(id, (t) => revokeSignInSessions(t, String(req.params.user), clock));
    } catch (err) {
      if (err instanceof AdminError) return send(res, store.read(id, (t) => usersPage(ctx(req, { error: err.message }), t)), err.status);
      throw err;
    }
    back(res, `/tenants/${id}/users`, "revoked", `#user-${encodeURIComponent(String(req.params.user))}`);
  });
  router.post("/tenants/:tenant/consents/:grant/delete", (req, res) => {
    const id = tenantOr404(req, res);
    if (!id) return;
    const removed = store.write(id, (t) => removeWhere(t, "consentGrants", (g) => g.id === req.params.grant) > 0 || noteUnchanged(t));
    if (!removed) return send(res, store.read(id, (t) => applicationsPage(ctx(req, { error: "That consent no longer exists." }), t)), 404);
    back(res, `/tenants/${id}`, "consent-revoked");
  });

  router.get("/requests", (req, res) => {
    const filters = readFilters(req.query as Record<string, unknown>);
    const parsed = journalQuery.safeParse(Object.fromEntries(journalParams(filters)));
    const entries = parsed.success ? journal.query(parsed.data) : [];
    const error = parsed.success ? undefined : describeIssues(parsed.error);
    send(res, requestsPage(ctx(req, { error }), filters, entries, store.listTenants(), journalNames(store, entries)));
  });
  router.post("/requests/clear", (_req, res) => {
    journal.clear();
    back(res, "/requests", "journal-cleared");
  });

  router.get("/faults", (req, res) => send(res, faultsPage(ctx(req), faults.list(), EMPTY_FAULT_FORM, store.listTenants())));
  router.post("/faults", (req, res) => {
    const form = readFaultForm(req.body as Record<string, unknown>);
    const parsed = faultInput.safeParse(faultBody(form));
    let error = parsed.success ? undefined : describeIssues(parsed.error);
    if (parsed.success) {
      try {
        faults.add(parsed.data);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    if (error) return send(res, faultsPage(ctx(req, { error: `The fault was not added. ${error}` }), faults.list(), form, store.listTenants()), 400);
    back(res, "/faults", "fault-added");
  });
  router.post("/faults/clear", (_req, res) => {
    faults.clear();
    back(res, "/faults", "faults-cleared");
  });
  router.post("/faults/:id/delete", (req, res) => {
    faults.remove(String(req.params.id));
    back(res, "/faults", "fault-removed");
  });

  router.get("/clock", (req, res) => send(res, clockPage(ctx(req), clock.offsetMs)));
  router.post("/clock", (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (body.reset === "1") {
      clock.reset();
      return back(res, "/clock", "clock-reset");
    }
    const advance = typeof body.advance === "string" ? body.advance.trim().toUpperCase() : "";
    const ms = parseDuration(advance);
    if (ms === undefined) {
      return send(res, clockPage(ctx(req, { error: `'${advance}' is not an ISO 8601 duration such as PT1H or P91D.` }), clock.offsetMs, advance), 400);
    }
    clock.advance(ms);
    back(res, body.back === "overview" ? "/" : "/clock", "clock");
  });

  router.use((req: Request, res: Response) => send(res, notFound(req, `The dashboard has no page ${req.method} ${UI}${req.path}.`), 404));
  return router;
}
