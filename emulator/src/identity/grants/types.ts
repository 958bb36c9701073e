import type { IdentityDeps } from "../context.ts";
import type { TenantSegment } from "../directory.ts";
import type { FormParams } from "../client-auth.ts";
import type { TokenResponse } from "../issue.ts";

export interface GrantRequest {
  segment: TenantSegment;
  params: FormParams;
  authorization: string | undefined;
  origin: string;
  ipAddress: string | undefined;
  /** The request's Origin header: present on a browser's cross-origin request (SPA redemption). */
  requestOrigin: string | undefined;
}

/** Every grant module has this shape: its `grant_type` and a handler. */
export interface Grant {
  grantType: string;
  handle(deps: IdentityDeps, request: GrantRequest): Promise<TokenResponse>;
}
