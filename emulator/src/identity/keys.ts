import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash, createPrivateKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from "jose";

export interface SigningKeys {
  kid: string;
  /** The private key for node:crypto, imported once: tokens are signed with it. */
  signingKey: KeyObject;
  /** The public key as a WebCrypto key, for verifying access tokens. */
  publicKey: CryptoKey;
  /** The JWKS document served at /{tenant}/discovery/v2.0/keys. */
  jwks: { keys: JWK[] };
}

const FILE = "signing-key.json";

/**
 * Loads the RS256 token-signing key from `dir`, or creates it there, so tokens
 * stay valid across restarts. With no `dir`, a fresh key lives in memory.
 */
export async function loadOrCreateSigningKeys(dir: string | undefined): Promise<SigningKeys> {
  let privateJwk: JWK;
  if (dir && existsSync(join(dir, FILE))) {
    privateJwk = JSON.parse(await readFile(join(dir, FILE), "utf8")) as JWK;
  } else {
    const pair = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    if (dir) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, FILE), JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  // Like Entra, the key id is a thumbprint-style value derived from the key itself.
  const kid = createHash("sha1").update(publicJwk.n ?? "").digest("base64url").slice(0, 27);
  const signingKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: "jwk" });
  const publicKey = (await importJWK({ ...publicJwk, alg: "RS256" }, "RS256")) as CryptoKey;
  return {
    kid,
    signingKey,
    publicKey,
    jwks: { keys: [{ kty: "RSA", use: "sig", kid, x5t: kid, n: publicJwk.n, e: publicJwk.e, alg: "RS256" }] },
  };
}
