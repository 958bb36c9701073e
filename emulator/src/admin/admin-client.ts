import type { FaultInput } from "../faults/schema.ts";
import type { FaultRule } from "../faults/engine.ts";
import type { JournalEntry, JournalQuery } from "../journal/journal.ts";
import type { ApplicationInput, UserInput } from "../tenants/schemas.ts";
import type { EmulatorState, TenantSummary } from "../store/types.ts";
import { httpsJson } from "./https-json.ts";

export class AdminError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, what: string) {
    const message = (body as { error?: { message?: string } })?.error?.message ?? JSON.stringify(body);
    super(`${what} failed (${status}): ${message}`);
    this.status = status;
    this.body = body;
  }
}

export interface CreatedTenant extends TenantSummary {
  users: { id: string; userPrincipalName: string; displayName: string }[];
  applications: { displayName: string; sourceAppId: string; appId: string; clientSecret: string | null }[];
}

/** A typed client for the control plane under /_emulator. */
export class AdminClient {
  readonly #base: string;
  readonly #ca: string;
  readonly #token: string | undefined;

  /** `token`: the control-plane token printed at start when the emulator listens beyond loopback. */
  constructor(baseUrl: string, caCert: string, token?: string) {
    this.#base = `${baseUrl.replace(/\/$/, "")}/_emulator`;
    this.#ca = caCert;
    this.#token = token;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await httpsJson<T>(method, `${this.#base}${path}`, this.#ca, body, this.#token ? { "x-emulator-token": this.#token } : {});
    if (res.status >= 400) throw new AdminError(res.status, res.body, `${method} /_emulator${path}`);
    return res.body;
  }

  health = () => this.#call<{ status: string }>("GET", "/health");
  reset = () => this.#call<unknown>("POST", "/reset");
  clock = () => this.#call<{ now: string; offsetMs: number }>("GET", "/clock");
  advanceClock = (duration: string) => this.#call<{ now: string; offsetMs: number }>("POST", "/clock", { advance: duration });
  setClock = (instant: string | Date) => this.#call<{ now: string; offsetMs: number }>("POST", "/clock", { set: new Date(instant).toISOString() });

  tenants = () => this.#call<TenantSummary[]>("GET", "/tenants");
  /** A new tenant cloned from a fixture tenant (the first one by default), for one test file. */
  createTenant = (options: { from?: string; displayName?: string } = {}) => this.#call<CreatedTenant>("POST", "/tenants", options);
  deleteTenant = (tenant: string) => this.#call<void>("DELETE", `/tenants/${encodeURIComponent(tenant)}`);

  createUser = (tenant: string, user: UserInput) => this.#call<{ id: string; userPrincipalName: string }>("POST", `/tenants/${encodeURIComponent(tenant)}/users`, user);
  updateUser = (tenant: string, user: string, patch: { directoryRoles?: string[]; password?: string; accountEnabled?: boolean }) =>
    this.#call<{ id: string }>("PATCH", `/tenants/${encodeURIComponent(tenant)}/users/${encodeURIComponent(user)}`, patch);
  revokeSignInSessions = (tenant: string, user: string) =>
    this.#call<{ value: boolean }>("POST", `/tenants/${encodeURIComponent(tenant)}/users/${encodeURIComponent(user)}/revokeSignInSessions`);
  createApplication = (tenant: string, app: ApplicationInput) =>
    this.#call<{ appId: string; clientSecret: string | null; id: string }>("POST", `/tenants/${encodeURIComponent(tenant)}/applications`, app);
  /** Replaces the application permissions granted to an app in a tenant (by app id or service principal id). */
  setAppRoles = (tenant: string, appIdOrId: string, appRoleAssignments: string[]) =>
    this.#call<{ id: string; appId: string; appRoleAssignments: string[] }>("PATCH", `/tenants/${encodeURIComponent(tenant)}/servicePrincipals/${encodeURIComponent(appIdOrId)}`, { appRoleAssignments });
  deleteServicePrincipal = (tenant: string, appIdOrId: string) =>
    this.#call<void>("DELETE", `/tenants/${encodeURIComponent(tenant)}/servicePrincipals/${encodeURIComponent(appIdOrId)}`);
  consents = (tenant: string) =>
    this.#call<{ id: string; clientId: string; consentType: string; principalId: string | null; scopes: string[] }[]>("GET", `/tenants/${encodeURIComponent(tenant)}/consents`);
  grantConsent = (tenant: string, grant: { clientId: string; consentType: "AllPrincipals" | "Principal"; principalId?: string; scopes: string[] }) =>
    this.#call<{ id: string }>("POST", `/tenants/${encodeURIComponent(tenant)}/consents`, grant);
  revokeConsent = (tenant: string, grantId: string) => this.#call<void>("DELETE", `/tenants/${encodeURIComponent(tenant)}/consents/${encodeURIComponent(grantId)}`);

  addFault = (fault: Partial<FaultInput> & Pick<FaultInput, "fault">) => this.#call<FaultRule>("POST", "/faults", fault);
  faults = () => this.#call<FaultRule[]>("GET", "/faults");
  removeFault = (id: string) => this.#call<void>("DELETE", `/faults/${encodeURIComponent(id)}`);
  clearFaults = () => this.#call<void>("DELETE", "/faults");
  setThrottling = (config: { limit: number; windowSeconds?: number }) => this.#call<unknown>("PUT", "/throttling", config);
  clearThrottling = () => this.#call<void>("DELETE", "/throttling");

  requests = (query: Partial<Record<keyof JournalQuery, string | number>> = {}) => {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return this.#call<JournalEntry[]>("GET", `/requests${q ? `?${q}` : ""}`);
  };
  clearRequests = () => this.#call<void>("DELETE", "/requests");
  /** Counts journal entries matching `query`, for assertions such as "exactly one token request". */
  countRequests = async (query: Partial<Record<keyof JournalQuery, string | number>> = {}) => (await this.requests(query)).length;

  snapshot = () => this.#call<EmulatorState>("GET", "/snapshot");
  loadSnapshot = (state: EmulatorState) => this.#call<unknown>("POST", "/snapshot", state);
}
