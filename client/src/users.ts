import type { GraphAccess, WhoOptions } from "./caller.ts";
import { InvalidArgumentError, type GraphErrorInfo, type GraphResult } from "./errors.ts";
import { applyQuery, toPage, type ODataQuery, type Page } from "./graph.ts";

/** A Graph user (only the commonly used properties are typed; Graph may return more). */
export interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  [property: string]: unknown;
}

/** A directory object from manager, directReports or memberOf (a user, group, role...). */
export interface DirectoryObject {
  id: string;
  "@odata.type"?: string;
  displayName?: string | null;
  [property: string]: unknown;
}

export interface NewUser {
  accountEnabled: boolean;
  displayName: string;
  mailNickname: string;
  userPrincipalName: string;
  passwordProfile: { password: string; forceChangePasswordNextSignIn?: boolean };
  [property: string]: unknown;
}

export interface ListOptions extends ODataQuery {
  /** A nextLink from a previous page; the other query options are then ignored. */
  nextLink?: string;
}

/** Caps for the list-all helpers. */
export interface AllPagesOptions {
  /** Stop after this many items (default 10 000). */
  maxItems?: number;
}

/** Microsoft 365 Users: the Graph users API for a user (`userId`) as seen by a caller (`authUserId`). */
export class UsersFunctions {
  constructor(private readonly access: GraphAccess) {}

  /** GET /users/{id} (or /me for the caller themself). */
  getUser(options: WhoOptions & { userId: string; select?: string[] }): Promise<GraphResult<GraphUser>> {
    return this.access.call(options, (client, path) => applyQuery(client.api(path), { select: options.select }).get());
  }

  /** GET /me for `authUserId`. */
  async getSignedInUser(options: { authUserId: string; select?: string[] }): Promise<GraphResult<GraphUser>> {
    if (!options.authUserId) throw new InvalidArgumentError("getSignedInUser needs authUserId: application permissions have no signed-in user");
    return this.access.call({ authUserId: options.authUserId }, (client) => applyQuery(client.api("/me"), { select: options.select }).get());
  }

  /** GET /users with $select, $filter, $search, $orderby, $top, $count; one page (Graph's default is 100 users; follow data.nextLink, or use listAllUsers). */
  async listUsers(options: Omit<WhoOptions, "userId"> & ListOptions = {}): Promise<GraphResult<Page<GraphUser>>> {
    return this.#page(options.authUserId, "/users", options);
  }

  /** Follows nextLinks of listUsers until the end (or maxItems). */
  async listAllUsers(options: Omit<WhoOptions, "userId"> & ODataQuery & AllPagesOptions = {}): Promise<GraphResult<GraphUser[]>> {
    return collectAll((nextLink) => this.listUsers({ ...options, nextLink }), options.maxItems);
  }

  /** POST /users. */
  async createUser(options: Omit<WhoOptions, "userId"> & { user: NewUser }): Promise<GraphResult<GraphUser>> {
    const c = await this.access.open(options.authUserId);
    return c.run((client) => client.api("/users").post(options.user));
  }

  /** PATCH /users/{id}; Graph answers 204, so data is undefined. */
  updateUser(options: WhoOptions & { userId: string; changes: Record<string, unknown> }): Promise<GraphResult<undefined>> {
    return this.access.call(options, async (client, path) => {
      await client.api(path).patch(options.changes);
      return undefined;
    });
  }

  /** DELETE /users/{id}. */
  deleteUser(options: WhoOptions & { userId: string }): Promise<GraphResult<undefined>> {
    return this.access.call(options, async (client, path) => {
      await client.api(path).delete();
      return undefined;
    });
  }

  /** GET /users/{id}/manager. */
  getManager(options: WhoOptions & { select?: string[] }): Promise<GraphResult<DirectoryObject>> {
    return this.access.call(options, (client, path) => applyQuery(client.api(`${path}/manager`), { select: options.select }).get());
  }

  /** GET /users/{id}/directReports; one page (follow data.nextLink, or use listAllDirectReports). */
  async listDirectReports(options: WhoOptions & ListOptions = {}): Promise<GraphResult<Page<DirectoryObject>>> {
    const c = await this.access.open(options.authUserId);
    return this.#pageWith(c, `${await c.userPath(options.userId)}/directReports`, options);
  }

  /** Every page of listDirectReports. */
  listAllDirectReports(options: WhoOptions & Omit<ListOptions, "nextLink"> & AllPagesOptions = {}): Promise<GraphResult<DirectoryObject[]>> {
    return collectAll((nextLink) => this.listDirectReports({ ...options, nextLink }), options.maxItems);
  }

  /** GET /users/{id}/memberOf; one page (follow data.nextLink, or use listAllMemberOf). */
  async listMemberOf(options: WhoOptions & ListOptions = {}): Promise<GraphResult<Page<DirectoryObject>>> {
    const c = await this.access.open(options.authUserId);
    return this.#pageWith(c, `${await c.userPath(options.userId)}/memberOf`, options);
  }

  /** Every page of listMemberOf. */
  listAllMemberOf(options: WhoOptions & Omit<ListOptions, "nextLink"> & AllPagesOptions = {}): Promise<GraphResult<DirectoryObject[]>> {
    return collectAll((nextLink) => this.listMemberOf({ ...options, nextLink }), options.maxItems);
  }

  async #page<T>(authUserId: string | undefined, path: string, options: ListOptions): Promise<GraphResult<Page<T>>> {
    return this.#pageWith(await this.access.open(authUserId), path, options);
  }

  #pageWith<T>(c: Awaited<ReturnType<GraphAccess["open"]>>, path: string, options: ListOptions): Promise<GraphResult<Page<T>>> {
    return c.run(async (client) => {
      const req = options.nextLink ? client.api(options.nextLink) : applyQuery(client.api(path), options);
      if (options.nextLink && (options.search || options.count)) req.header("ConsistencyLevel", "eventual");
      return toPage<T>(await req.get());
    });
  }
}

/**
 * Iterates the items of every page of a paged function, fetching each page
 * only when the previous one is used up; a failed page throws its GraphResult
 * error as a GraphPageError. For example:
 * `for await (const e of eachItem((nextLink) => client.calendar.calendarView({ ...range, nextLink }))) ...`
 */
export async function* eachItem<T>(page: (nextLink: string | undefined) => Promise<GraphResult<Page<T>>>): AsyncGenerator<T, void, undefined> {
  let nextLink: string | undefined;
  do {
    const r = await page(nextLink);
    if (!r.ok) throw new GraphPageError(r.error);
    yield* r.data.value;
    nextLink = r.data.nextLink;
  } while (nextLink);
}

/** A page that failed while iterating with eachItem; `error` is the GraphResult's error. */
export class GraphPageError extends Error {
  constructor(readonly error: GraphErrorInfo) {
    super(`a page failed: ${error.status} ${error.code}: ${error.message}`);
    this.name = "GraphPageError";
  }
}

/** Collects every page of a paged function into one array (bounded by maxItems). */
export async function collectAll<T>(
  page: (nextLink: string | undefined) => Promise<GraphResult<Page<T>>>,
  maxItems = 10_000,
): Promise<GraphResult<T[]>> {
  const all: T[] = [];
  let nextLink: string | undefined;
  do {
    const r = await page(nextLink);
    if (!r.ok) return r;
    all.push(...r.data.value);
    nextLink = r.data.nextLink;
  } while (nextLink && all.length < maxItems);
  return { ok: true, data: all.slice(0, maxItems) };
}
