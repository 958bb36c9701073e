import { notePut, noteUnchanged, removeWhere } from "../store/changes.ts";
import express, { Router, type Request, type Response } from "express";
import type { Clock } from "../clock.ts";
import { parseDuration } from "../clock.ts";
import { AdminError, addApplication, addUser, patchUserAdmin, publicUser, revokeSignInSessions } from "../tenants/admin.ts";
import { assignAppRole, listAppRoleAssignments, removeAppRoleAssignment } from "../tenants/api-registration.ts";
import type { TenantState } from "../store/types.ts";
import type { DeepReadonly } from "../store/store.ts";
import { appRoleAssignmentInput, applicationInput, clockInput, consentInput, servicePrincipalPatch, userAdminPatch, userInput } from "../tenants/schemas.ts";
import { GRAPH_RESOURCE } from "../identity/consent.ts";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { testingRouter, type TestingDeps } from "./testing-routes.ts";
import { dashboardRouter } from "../dashboard/routes.ts";
import { tooDeepAt } from "../http/json-depth.ts";
import { hostCheck } from "./host-check.ts";
import { parse, tenantOf } from "./request-input.ts";

/** How deep a control-plane body may nest (a snapshot nests about ten levels). */
export const CONTROL_JSON_DEPTH = 64;

export interface ControlDeps extends TestingDeps {
  clock: Clock;
  caCert: string;
  /** When set (the emulator listens beyond loopback), every control request must present it. */
  controlToken?: string | undefined;
  /**
   * When set (the emulator listens on loopback), the Host names (with and without the port) the
   * control plane and dashboard answer to; other names are refused (DNS rebinding).
   */
  allowedHosts?: ReadonlySet<string> | undefined;
}

/** The control plane under /_emulator: health, CA, clock, reset, and directory administration. */
export function controlRouter(deps: ControlDeps): Router {
  const { store, clock } = deps;
  const router = Router();
  if (deps.allowedHosts) router.use(hostCheck(deps.allowedHosts));
  router.use(express.json({ limit: "1mb" }));
  router.use((req, _res, next) => {
    const at = tooDeepAt(req.body, CONTROL_JSON_DEPTH);
    if (at) throw new AdminError(400, "ValidationError", `${at}: the body nests arrays and objects deeper than ${CONTROL_JSON_DEPTH} levels.`);
    next();
  });
  // No other site may drive the control plane from a browser: requests that a browser marks as
  // coming from another origin are refused (the dashboard's own forms come from this origin).
  router.use((req, _res, next) => {
    const origin = req.get("origin");
    const own = `${req.protocol}://${req.get("host") ?? ""}`;
    if (req.get("sec-fetch-site") === "cross-site" || (origin && origin !== "null" && origin !== own) || origin === "null") {
      throw new AdminError(403, "Forbidden", "The control plane refuses requests from other sites.");
    }
    next();
  });
  if (deps.controlToken) {
    const expected = Buffer.from(deps.controlToken);
    const matches = (text: string | undefined) => {
      const sent = Buffer.from(text ?? "");
      return sent.length === expected.length && timingSafeEqual(sent, expected);
    };
    router.use((req, res, next) => {
      if (req.path === "/health") return next();
      const header = req.get("x-emulator-token") ?? /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1];
      const cookie = /(?:^|;\s*)emulator_control=([^;]+)/.exec(req.get("cookie") ?? "")?.[1];
      if (matches(header) || matches(cookie)) return next();
      // A browser opens the dashboard once with ?token=..., which is then kept in a cookie.
      if (typeof req.query.token === "string" && matches(req.query.token)) {
        res.cookie("emulator_control", deps.controlToken, { httpOnly: true, secure: true, sameSite: "strict", path: "/_emulator" });
        return next();
      }
      throw new AdminError(401, "Unauthorized", "The control plane needs the token printed at start, in an X-Emulator-Token header (or ?token= once in a browser).");
    });
  }

  // "degraded" from a write the disk refused until one succeeds again (writable: false while memory is rolled back).
  router.get("/health", (_req, res) => {
    const { writable, failure } = store.health();
    if (writable && !failure) return void res.json({ status: "ok" });
    res.json({ status: "degraded", storage: { writable, error: failure?.message, code: failure?.code, since: failure?.since } });
  });
  router.use("/ui", dashboardRouter(deps));
  router.get("/ca.pem", (_req, res) => void res.type("application/x-pem-file").send(deps.caCert));

  const clockView = () => ({ now: clock.now().toISOString(), offsetMs: clock.offsetMs });
  router.get("/clock", (_req, res) => void res.json(clockView()));
  router.post("/clock", (req, res) => {
    const input = parse(clockInput, req.body);
    if (input.advance !== undefined) {
      const ms = parseDuration(input.advance);
      if (ms === undefined) throw new AdminError(400, "ValidationError", `advance: '${input.advance}' is not an ISO 8601 duration such as P91D or PT1H`);
      clock.advance(ms);
    } else {
      clock.set(new Date(input.set as string));
    }
    res.json(clockView());
  });

  router.post("/reset", async (_req, res) => {
    await store.reset();
    clock.reset();
    deps.faults.clear();
    deps.faults.setThrottling(null);
    res.json({ status: "reset", tenants: store.listTenants() });
  });

  router.get("/tenants", (_req, res) => void res.json(store.listTenants()));
  router.get("/tenants/:tenant", (req, res) => {
    const id = tenantOf(store, req);
    res.json(store.read(id, (t) => ({ id: t.id, displayName: t.displayName, defaultDomain: t.defaultDomain, domains: t.domains })));
  });

  router.get("/tenants/:tenant/users", (req, res) => {
    const id = tenantOf(store, req);
    res.json(store.read(id, (t) => t.users.map((u) => publicUser({ ...u }))));
  });
  router.post("/tenants/:tenant/users", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(userInput, req.body);
    const user = store.write(id, (t) => addUser(t, input));
    res.status(201).json(publicUser({ ...user }));
  });
  router.patch("/tenants/:tenant/users/:user", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(userAdminPatch, req.body);
    const user = store.write(id, (t) => patchUserAdmin(t, String(req.params.user), input));
    res.json(publicUser({ ...user }));
  });
  router.post("/tenants/:tenant/users/:user/revokeSignInSessions", (req, res) => {
    const id = tenantOf(store, req);
    store.write(id, (t) => revokeSignInSessions(t, String(req.params.user), clock));
    res.json({ value: true });
  });

  router.get("/tenants/:tenant/applications", (req, res) => {
    const id = tenantOf(store, req);
    res.json(
      store.read(id, (t) =>
        t.applications.map(({ secrets, ...a }) => ({ ...a, secrets: secrets.map((s) => ({ keyId: s.keyId, endDateTime: s.endDateTime })) })),
      ),
    );
  });
  router.post("/tenants/:tenant/applications", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(applicationInput, req.body);
    const created = store.write(id, (t) => addApplication(t, input));
    const { secrets: _secrets, ...application } = created.application;
    res.status(201).json({ ...application, clientSecret: created.clientSecret });
  });
  /** A route that answers with one collection of the tenant the path names, as stored. */
  const collection = (pick: (t: DeepReadonly<TenantState>) => unknown) => (req: Request, res: Response) => void res.json(store.read(tenantOf(store, req), pick));
  router.get("/tenants/:tenant/servicePrincipals", collection((t) => t.servicePrincipals));

  router.patch("/tenants/:tenant/servicePrincipals/:sp", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(servicePrincipalPatch, req.body);
    const key = String(req.params.sp).toLowerCase();
    const sp = store.write(id, (t) => {
      const found = t.servicePrincipals.find((x) => x.id.toLowerCase() === key || x.appId.toLowerCase() === key);
      if (!found) return noteUnchanged(t);
      found.appRoleAssignments = [...new Set(input.appRoleAssignments)];
      notePut(t, "servicePrincipals", found);
      return { ...found };
    });
    if (!sp) throw new AdminError(404, "NotFound", `Service principal '${String(req.params.sp)}' does not exist (give its id or appId).`);
    res.json(sp);
  });
  router.delete("/tenants/:tenant/servicePrincipals/:sp", (req, res) => {
    const id = tenantOf(store, req);
    const key = String(req.params.sp).toLowerCase();
    const removed = store.write(id, (t) => removeWhere(t, "servicePrincipals", (sp) => sp.id.toLowerCase() === key || sp.appId.toLowerCase() === key) > 0 || noteUnchanged(t));
    if (!removed) throw new AdminError(404, "NotFound", `Service principal '${String(req.params.sp)}' does not exist (give its id or appId).`);
    res.status(204).end();
  });

  // App roles of an API, granted to users, groups and service principals (Graph's appRoleAssignedTo).
  router.get("/tenants/:tenant/servicePrincipals/:sp/appRoleAssignedTo", (req, res) => {
    const id = tenantOf(store, req);
    res.json({ value: store.read(id, (t) => listAppRoleAssignments(t as TenantState, String(req.params.sp))) });
  });
  router.post("/tenants/:tenant/servicePrincipals/:sp/appRoleAssignedTo", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(appRoleAssignmentInput, req.body);
    const assignment = store.write(id, (t) => assignAppRole(t, String(req.params.sp), input, clock.now().toISOString()));
    res.status(201).json(assignment);
  });
  router.delete("/tenants/:tenant/servicePrincipals/:sp/appRoleAssignedTo/:assignment", (req, res) => {
    const id = tenantOf(store, req);
    store.write(id, (t) => removeAppRoleAssignment(t, String(req.params.sp), String(req.params.assignment)));
    res.status(204).end();
  });

  router.get("/tenants/:tenant/consents", collection((t) => t.consentGrants));
  router.post("/tenants/:tenant/consents", (req, res) => {
    const id = tenantOf(store, req);
    const input = parse(consentInput, req.body);
    if (input.consentType === "Principal" && !input.principalId) {
      throw new AdminError(400, "ValidationError", "principalId: required when consentType is Principal");
    }
    const grant = {
      id: randomUUID(),
      clientId: input.clientId,
      consentType: input.consentType,
      principalId: input.consentType === "Principal" ? (input.principalId ?? null) : null,
      resource: GRAPH_RESOURCE,
      scopes: input.scopes,
    };
    store.write(id, (t) => {
      t.consentGrants.push(grant);
      notePut(t, "consentGrants", grant);
    });
    res.status(201).json(grant);
  });
  router.delete("/tenants/:tenant/consents/:grant", (req, res) => {
    const id = tenantOf(store, req);
    const removed = store.write(id, (t) => removeWhere(t, "consentGrants", (g) => g.id === req.params.grant) > 0 || noteUnchanged(t));
    if (!removed) throw new AdminError(404, "NotFound", `Consent grant '${String(req.params.grant)}' does not exist.`);
    res.status(204).end();
  });

  router.use(testingRouter(deps));
  router.use((req: Request) => {
    throw new AdminError(404, "NotFound", `No control-plane route ${req.method} /_emulator${req.path}.`);
  });
  router.use((err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err instanceof AdminError) return void res.status(err.status).json({ error: { code: err.code, message: err.message } });
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      const code = (err as { type?: string }).type === "entity.too.large" ? "RequestEntityTooLarge" : "BadRequest";
      return void res.status(status).json({ error: { code, message: (err as Error).message } });
    }
    next(err);
  });
  return router;
}
