import { createHash, randomBytes, randomFillSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { SigningKeys } from "./keys.ts";
import type { DeepReadonly } from "../store/store.ts";
import type { Application, ServicePrincipal, User } from "../store/types.ts";
import { GRAPH_APP_ID, MEMBER_ROLE_TEMPLATE_ID, ROLE_TEMPLATE_IDS } from "./graph-resource.ts";

/** Lifetime of access and ID tokens; Entra's documented client-credential answer says 3599. */
export const ACCESS_TOKEN_LIFETIME_S = 3599;
/** A refresh token dies after this long unused (Entra's inactivity window). */
export const REFRESH_TOKEN_INACTIVITY_DAYS = 90;
export const AUTH_CODE_LIFETIME_S = 600;

/** The `iss` of Graph (v1.0-format) access tokens for a tenant. */
export function accessTokenIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/** The v2.0 issuer, which the emulator serves under its own origin. */
export function v2Issuer(origin: string, tenantId: string): string {
  return `${origin}/${tenantId}/v2.0`;
}

/** Random text for token ids (aio, uti), shared with the API token builder. */
export function tokenIdText(bytes: number): string {
  return randomText(bytes);
}

export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString("base64url");
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** Opaque grant text that names its tenant, so `/common` can find it: `1.<tenant>.<random>`. */
export function newOpaqueGrant(tenantId: string): string {
  return `1.${Buffer.from(tenantId).toString("base64url")}.${randomBytes(48).toString("base64url")}`;
}

export function tenantOfOpaqueGrant(text: string): string | undefined {
  const m = /^1\.([A-Za-z0-9_-]{1,120})\.[A-Za-z0-9_-]{20,}$/.exec(text);
  return m ? Buffer.from(m[1] as string, "base64url").toString("utf8") : undefined;
}

/**
 * Random text for token ids (`aio`, `uti`): base64url of fresh bytes from a pool
 * the CSPRNG refills 4 KiB at a time, so a token costs no RNG call of its own.
 * Each byte is used once.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomText(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const text = pool.toString("base64url", poolAt, poolAt + bytes);
  poolAt += bytes;
  return text;
}

export interface TokenMinterDeps {
  keys: Promise<SigningKeys>;
  clock: Clock;
}

export interface DelegatedTokenInput {
  tenantId: string;
  user: DeepReadonly<User>;
  app: DeepReadonly<Application>;
  /** Graph scopes granted, short names. */
  scopes: string[];
  /** Audience style follows the request: URI-qualified scopes give the Graph URI. */
  audience: string;
  ipAddress?: string | undefined;
  /** `appidacr`: how the client authenticated (0 public, 1 secret, 2 certificate). */
  clientAcr?: string | undefined;
}

export interface AppTokenInput {
  tenantId: string;
  app: DeepReadonly<Application>;
  servicePrincipal: DeepReadonly<ServicePrincipal>;
  roles: string[];
  audience: string;
  clientAcr?: string | undefined;
}

function signerOf({ kid, signingKey }: SigningKeys): { key: KeyObject; header: string } {
  return { key: signingKey, header: `${Buffer.from(JSON.stringify({ typ: "JWT", alg: "RS256", x5t: kid, kid })).toString("base64url")}.` };
}

export class TokenMinter {
  readonly #deps: TokenMinterDeps;
  /** The key and the encoded protected header with its dot (the same for every token it signs), once the key is ready. */
  #signer: { key: KeyObject; header: string } | undefined;

  constructor(deps: TokenMinterDeps) {
    this.#deps = deps;
  }

  /**
   * A compact JWS (RS256): the constant header, the claims, and an RSASSA-PKCS1-v1_5
   * SHA-256 signature from node:crypto on the key imported once at start. The
   * callback form signs on libuv's thread pool, off the event loop, so a burst of
   * token requests keeps the other requests moving.
   */
  /** Signs claims built elsewhere (tokens for registered APIs) with the tenant's published key. */
  signClaims(payload: Record<string, unknown>): Promise<string> {
    return this.#sign(payload);
  }

  async #sign(payload: Record<string, unknown>): Promise<string> {
    const { key, header } = this.#signer ?? (this.#signer = signerOf(await this.#deps.keys));
    const input = header + Buffer.from(JSON.stringify(payload)).toString("base64url");
    return new Promise((resolve, reject) => {
      sign("sha256", Buffer.from(input), key, (err, signature) => {
        if (err) reject(err);
        else resolve(`${input}.${signature.toString("base64url")}`);
      });
    });
  }

  #times(): { iat: number; nbf: number; exp: number } {
    const now = this.#deps.clock.nowSeconds();
    return { iat: now, nbf: now, exp: now + ACCESS_TOKEN_LIFETIME_S };
  }

  /** A Graph access token for a signed-in user, shaped like Entra's v1.0 Graph tokens. */
  delegatedAccessToken(input: DelegatedTokenInput): Promise<string> {
    const { user, app, tenantId } = input;
    const wids = [...new Set([...user.directoryRoles.map((r) => ROLE_TEMPLATE_IDS[r]).filter(Boolean), MEMBER_ROLE_TEMPLATE_ID])];
    return this.#sign({
      aud: input.audience,
      iss: accessTokenIssuer(tenantId),
      ...this.#times(),
      acct: 0,
      acr: "1",
      aio: randomText(24),
      amr: ["pwd"],
      app_displayname: app.displayName,
      appid: app.appId,
      appidacr: input.clientAcr ?? "1",
      family_name: user.surname ?? undefined,
      given_name: user.givenName ?? undefined,
      idtyp: "user",
      ipaddr: input.ipAddress ?? "127.0.0.1",
      name: user.displayName,
      oid: user.id,
      platf: "3",
      puid: createHash("sha1").update(user.id).digest("hex").slice(0, 16).toUpperCase(),
      rh: "0.emulator",
      scp: input.scopes.join(" "),
      sid: randomUUID(),
      sub: pairwiseSubject(user.id, GRAPH_APP_ID),
      tenant_region_scope: "EU",
      tid: tenantId,
      unique_name: user.userPrincipalName,
      upn: user.userPrincipalName,
      uti: randomText(16),
      ver: "1.0",
      wids,
      xms_idrel: "1 20",
      xms_st: { sub: pairwiseSubject(user.id, app.appId) },
      xms_tcdt: 1600000000,
    });
  }

  /** A Graph access token for an application (client credentials). */
  appAccessToken(input: AppTokenInput): Promise<string> {
    const { app, servicePrincipal, tenantId } = input;
    return this.#sign({
      aud: input.audience,
      iss: accessTokenIssuer(tenantId),
      ...this.#times(),
      aio: randomText(24),
      app_displayname: app.displayName,
      appid: app.appId,
      appidacr: input.clientAcr ?? "1",
      idp: accessTokenIssuer(tenantId),
      idtyp: "app",
      oid: servicePrincipal.id,
      rh: "0.emulator",
      ...(input.roles.length > 0 ? { roles: input.roles } : {}),
      sub: servicePrincipal.id,
      tenant_region_scope: "EU",
      tid: tenantId,
      uti: randomText(16),
      ver: "1.0",
      wids: ["0997a1d0-0d1d-4acb-b408-d5ca73121e90"],
      xms_idrel: "7 20",
      xms_tcdt: 1600000000,
    });
  }

  /** A v2.0 ID token for the client. */
  idToken(input: { origin: string; tenantId: string; user: DeepReadonly<User>; clientId: string; nonce: string | null; includeEmail: boolean }): Promise<string> {
    const { user } = input;
    return this.#sign({
      aud: input.clientId,
      iss: v2Issuer(input.origin, input.tenantId),
      ...this.#times(),
      ...(input.includeEmail && user.mail ? { email: user.mail } : {}),
      login_hint: Buffer.from(`O.${user.id}.${input.tenantId}`).toString("base64url"),
      name: user.displayName,
      ...(input.nonce ? { nonce: input.nonce } : {}),
      oid: user.id,
      preferred_username: user.userPrincipalName,
      rh: "0.emulator",
      sid: randomUUID(),
      sub: pairwiseSubject(user.id, input.clientId),
      tid: input.tenantId,
      uti: randomText(16),
      ver: "2.0",
    });
  }
}

/** Entra's `sub` is pairwise: stable per user and application, different across apps. */
export function pairwiseSubject(userId: string, appId: string): string {
  return createHash("sha256").update(`${userId}|${appId.toLowerCase()}`).digest("base64url").slice(0, 43);
}
