import { Router } from "express";
import type { Store } from "../store/store.ts";
import type { EmulatorState } from "../store/types.ts";
import type { RequestJournal } from "../journal/journal.ts";
import { journalQuery } from "../journal/journal.ts";
import type { FaultEngine } from "../faults/engine.ts";
import { FAULT_NAMES, faultInput, throttlingInput } from "../faults/schema.ts";
import { AdminError } from "../tenants/admin.ts";
import { cloneTenant } from "../tenants/clone.ts";
import { parse, tenantOf } from "./request-input.ts";
import { normalizeTenant } from "../tenants/seed.ts";
import { z as zod } from "zod";
import { COLLECTION_KEYS, COLLECTIONS } from "../store/changes.ts";
import { TENANT_ID } from "../store/state-layout.ts";

export interface TestingDeps {
  store: Store;
  journal: RequestJournal;
  faults: FaultEngine;
}

const createTenantInput = zod
  .object({ from: zod.string().min(1).optional(), displayName: zod.string().min(1).max(256).optional() })
  .strict();

/** A record of a collection: an object with its key (a non-empty string, or the change number of userChanges). */
const recordList = (key: string, extra: Record<string, zod.ZodType> = {}) =>
  zod
    .array(zod.object({ [key]: key === "seq" ? zod.number().int() : zod.string().min(1), ...extra }).passthrough())
    .superRefine((records, ctx) => {
      const seen = new Set<unknown>();
      records.forEach((r, i) => {
        const k = r[key];
        if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i, key], message: `'${String(k)}' appears twice` });
        seen.add(k);
      });
    });

/**
 * A snapshot as GET /_emulator/snapshot gives it, checked whole before any of
 * it is applied: tenant ids are GUIDs (they name folders on disk) and appear
 * once, and every collection is a list of records with distinct keys.
 */
const snapshotTenant = zod
  .object({
    id: zod.string().regex(TENANT_ID, "must be a GUID"),
    displayName: zod.string(),
    defaultDomain: zod.string(),
    domains: zod.array(zod.string()),
    ...Object.fromEntries(COLLECTIONS.map((c) => [c, recordList(COLLECTION_KEYS[c]).optional()])),
    // Events are filed by mailbox: each names its owner.
    events: recordList("id", { ownerId: zod.string() }).optional(),
  })
  .passthrough();

const snapshotInput = zod
  .object({ version: zod.literal(1), tenants: zod.array(snapshotTenant).min(1) })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.tenants.forEach((t, i) => {
      const id = t.id.toLowerCase();
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["tenants", i, "id"], message: `tenant '${t.id}' appears twice` });
      seen.add(id);
    });
  });

/** Control-plane routes for test harnesses: tenants per test file, faults, throttling, journal, snapshots. */
export function testingRouter(deps: TestingDeps): Router {
  const { store, journal, faults } = deps;
  const router = Router();

  router.post("/tenants", (req, res) => {
    const input = parse(createTenantInput, req.body);
    const sourceId = input.from ? store.resolveTenant(input.from) : store.readAll((tenants) => tenants[0]?.id);
    if (!sourceId) throw new AdminError(404, "TenantNotFound", `Tenant '${input.from ?? ""}' does not exist.`);
    // A clone copies every mailbox: events still on disk are read first.
    store.loadAll(sourceId);
    const cloned = store.read(sourceId, (t) => cloneTenant(t, { displayName: input.displayName }));
    store.addTenant(cloned.tenant);
    const t = cloned.tenant;
    res.status(201).json({
      id: t.id,
      defaultDomain: t.defaultDomain,
      displayName: t.displayName,
      users: t.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName })),
      applications: cloned.applications,
    });
  });
  router.delete("/tenants/:tenant", (req, res) => {
    store.removeTenant(tenantOf(store, req));
    res.status(204).end();
  });

  router.get("/faults/names", (_req, res) => void res.json(FAULT_NAMES));
  router.get("/faults", (_req, res) => void res.json(faults.list()));
  router.post("/faults", (req, res) => {
    const input = parse(faultInput, req.body);
    try {
      res.status(201).json(faults.add(input));
    } catch (err) {
      throw new AdminError(400, "ValidationError", (err as Error).message);
    }
  });
  router.delete("/faults", (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  router.delete("/faults/:id", (req, res) => {
    if (!faults.remove(String(req.params.id))) throw new AdminError(404, "NotFound", `Fault '${String(req.params.id)}' does not exist.`);
    res.status(204).end();
  });

  router.get("/throttling", (_req, res) => void res.json({ enabled: faults.throttling !== null, ...(faults.throttling ?? {}) }));
  router.put("/throttling", (req, res) => {
    faults.setThrottling(parse(throttlingInput, req.body));
    res.json({ enabled: true, ...faults.throttling });
  });
  router.delete("/throttling", (_req, res) => {
    faults.setThrottling(null);
    res.status(204).end();
  });

  router.get("/requests", (req, res) => void res.json(journal.query(parse(journalQuery, req.query))));
  router.delete("/requests", (_req, res) => {
    journal.clear();
    res.status(204).end();
  });

  router.get("/snapshot", (_req, res) => void res.json(store.exportState()));
  router.post("/snapshot", async (req, res) => {
    // Checked whole (depth by the router, then shape) before anything is applied: a refused import changes nothing.
    const input = parse(snapshotInput, req.body) as unknown as EmulatorState;
    await store.importState({ version: 1, tenants: input.tenants.map((t) => normalizeTenant({ ...t, id: t.id.toLowerCase() })) });
    res.json({ status: "loaded", tenants: store.listTenants() });
  });
  return router;
}
