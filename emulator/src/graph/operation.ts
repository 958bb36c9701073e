import type { NextFunction, Request, Response } from "express";

/** The HTTP methods Graph operations use (HEAD is served by GET). */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A Graph operation's handler: runs after the caller is authorized for its row. */
export type OperationHandler = (req: Request, res: Response, next: NextFunction) => void | Promise<void>;

/** Which permissions allow one Graph operation. */
export interface PermissionRule {
  /** Delegated permissions (`scp`) that allow it, least privileged first; empty means delegated calls are refused. */
  readonly delegated: readonly string[];
  /** Application permissions (`roles`) that allow it, least privileged first; empty means app-only calls are refused. */
  readonly application: readonly string[];
  /**
   * For delegated calls, the signed-in user must also hold one of these
   * directory roles (e.g. User Administrator to create users). Omit when the
   * permission alone suffices.
   */
  readonly delegatedRoles?: readonly string[];
}

/**
 * A row's permissions: the rule, how a self-only permission finds its target
 * (the `{user}` in the path, or the signed-in user for `/me`), the refusal
 * the API answers with, and why the row differs from Microsoft's permissions
 * map when it does.
 */
export interface OperationPermissions extends PermissionRule {
  /** Delegated permissions that only reach the signed-in user's own object (e.g. User.Read on /users/{user}). */
  readonly selfOnly?: readonly string[];
  /** The directory role in `delegatedRoles` is not needed when the target is the signed-in user. */
  readonly selfService?: boolean;
  /** Directory APIs refuse with Authorization_RequestDenied, Outlook's with ErrorAccessDenied. */
  readonly refusal: "directory" | "outlook";
  /** Why this row differs from Microsoft's permissions map (permissions.json), when it does. */
  readonly differsFromMicrosoft?: string;
}

/**
 * A row that any caller with a valid Graph token may call: the token check
 * is its whole rule. Only for rows whose work is authorized elsewhere (the
 * `$batch` row: each request it carries meets its own row's rule).
 */
export interface AnyTokenPermissions {
  readonly anyValidToken: true;
  /** Why the row needs no permission; listed in docs/graph-operations.md. */
  readonly why: string;
}

/** A row's rule: the permissions that allow it, or (rarely) any valid token. */
export type RowPermissions = OperationPermissions | AnyTokenPermissions;

/** Whether a row's rule names permissions (every row but those any valid token may call). */
export const namesPermissions = (p: RowPermissions): p is OperationPermissions => !("anyValidToken" in p);

/**
 * One row of Graph's operation table. `path` is written as Microsoft's docs
 * write it, after the version: literal segments (matched without regard to
 * case), `{name}` parameters (one segment each, percent-decoded, in
 * `req.params`), and OData functions written with `()` (`delta()` also
 * matches `delta` and `microsoft.graph.delta[()]`). Paths starting with `/me`
 * need a delegated token. A row cannot be written without its permissions
 * (or an explicit `anyValidToken` rule saying why it needs none).
 */
export interface Operation {
  readonly method: Method;
  readonly path: string;
  readonly permissions: RowPermissions;
  readonly handler: OperationHandler;
  /** One line for docs/graph-operations.md. */
  readonly summary: string;
}
