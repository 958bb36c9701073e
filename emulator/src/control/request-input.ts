import type { Request } from "express";
import type { z } from "zod";
import type { Store } from "../store/store.ts";
import { AdminError } from "../tenants/admin.ts";
import { describeIssues } from "../tenants/schemas.ts";

/** The control plane's helpers for reading a request: every route reads its input through these. */

/** A body or query checked against its schema; a mismatch is a 400 that names each bad field. */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new AdminError(400, "ValidationError", describeIssues(result.error));
  return result.data;
}

/** The tenant the `:tenant` path parameter names (id or domain); an unknown one is a 404. */
export function tenantOf(store: Store, req: Request): string {
  const raw = String(req.params.tenant);
  const id = store.resolveTenant(raw);
  if (!id) throw new AdminError(404, "TenantNotFound", `Tenant '${raw}' does not exist. GET /_emulator/tenants lists the tenants.`);
  return id;
}
