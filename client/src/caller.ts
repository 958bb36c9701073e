import type { Client } from "@microsoft/microsoft-graph-client";
import type { AppTokens } from "./app-tokens.ts";
import { InvalidArgumentError, type GraphResult } from "./errors.ts";
import { createGraphClient, GraphTransport, runGraph } from "./graph.ts";
import type { ClientContext } from "./msal.ts";
import { graphEndpoint } from "./settings.ts";
import type { TokenStore } from "./token-store.ts";
import type { UserTokens } from "./user-tokens.ts";

/** The two parameters every function takes, as the functions documentation defines them. */
export interface WhoOptions {
  /**
   * Whose resource: an application user id (bound at sign-in), a Microsoft
   * user id (object id GUID) or a user principal name. Omitted: the signed-in
   * user of `authUserId`.
   */
  userId?: string;
  /** Who asks: an application user id whose delegated token is used. Omitted: application permissions (appTenantId). */
  authUserId?: string;
}

/** One function call's Graph access: a client for the caller and the path of the target user. */
export interface GraphCall {
  client: Client;
  kind: "delegated" | "application";
  /** `/me` or `/users/{id}` for a userId (see WhoOptions.userId). */
  userPath(userId: string | undefined): Promise<string>;
  run<T>(fn: (client: Client) => Promise<T>): Promise<GraphResult<T>>;
}

export class GraphAccess {
  constructor(
    private readonly ctx: ClientContext,
    private readonly store: TokenStore,
    private readonly userTokens: UserTokens,
    private readonly appTokens: AppTokens,
  ) {}

  /** Opens a call as `authUserId` (delegated) or as the application. Throws the typed token errors. */
  async open(authUserId: string | undefined): Promise<GraphCall> {
    const { settings, transport: net } = this.ctx;
    let kind: GraphCall["kind"];
    let self: { id: string; username: string } | undefined;
    let tokens: (force: boolean) => Promise<string>;
    if (authUserId !== undefined) {
      const user = await this.userTokens.requireUser(authUserId);
      kind = "delegated";
      self = { id: user.account.microsoftUserId.toLowerCase(), username: user.account.username.toLowerCase() };
      tokens = (force) => this.userTokens.accessToken(authUserId, { forceRefresh: force });
    } else {
      void this.appTokens.tenant; // throws a clear error when appTenantId is missing
      kind = "application";
      tokens = (force) => this.appTokens.accessToken({ forceRefresh: force });
    }
    const transport = new GraphTransport({ tokens, origin: graphEndpoint(settings).origin, fetch: net.fetch, retry: settings.retry });
    const client = createGraphClient(settings, transport);
    return {
      client,
      kind,
      userPath: async (userId) => {
        if (userId === undefined || userId === "") {
          if (kind === "delegated") return "/me";
          throw new InvalidArgumentError("userId is required when no authUserId is given (application permissions have no signed-in user)");
        }
        const bound = await this.store.getUser(userId);
        const id = bound ? bound.account.microsoftUserId : userId;
        if (self && (id.toLowerCase() === self.id || id.toLowerCase() === self.username)) return "/me";
        return `/users/${encodeURIComponent(id)}`;
      },
      run: (fn) => runGraph(transport, () => fn(client)),
    };
  }

  /** Opens a call and runs one request against the target user's path. */
  async call<T>(who: WhoOptions, fn: (client: Client, userPath: string) => Promise<T>): Promise<GraphResult<T>> {
    const c = await this.open(who.authUserId);
    const path = await c.userPath(who.userId);
    return c.run((client) => fn(client, path));
  }
}
