import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Encryption at rest for a token store. */
export interface EncryptionOptions {
  /** The key new records are sealed with: 32 random bytes, base64 (`generateEncryptionKey()`). */
  encryptionKey?: string;
  /** Keys records may still be sealed with (during a rotation); reads only. */
  previousKeys?: string[];
}

export type TokenStoreErrorCode = "EncryptionKeyMissing" | "EncryptionKeyInvalid" | "EncryptionKeyUnknown" | "DecryptionFailed" | "DriverMissing" | "StoreInvalid";

/**
 * A token store cannot be used as configured: a missing or wrong encryption
 * key, a record that does not decrypt, a missing database driver. Never a
 * sign-out: the stored tokens are left as they are.
 */
export class TokenStoreError extends Error {
  override readonly name = "TokenStoreError";
  constructor(
    readonly code: TokenStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** 32 random bytes, base64: a new value for `encryptionKey`. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString("base64");
}

const PREFIX = "enc1";

/** Whether a stored value is a sealed record (rather than an older plaintext one). */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(`${PREFIX}.`);
}

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(text: string, which: string): Key {
  const bytes = Buffer.from(text, "base64");
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim()) || bytes.length !== 32) {
    throw new TokenStoreError("EncryptionKeyInvalid", `${which} must be 32 bytes in base64 (44 characters), e.g. from generateEncryptionKey() or \`openssl rand -base64 32\``);
  }
  // The key id names the key without revealing it: a truncated SHA-256 of the key.
  const id = createHash("sha256").update("token-store-key-id:").update(bytes).digest("base64url").slice(0, 10);
  return { id, bytes };
}

/**
 * AES-256-GCM per record: `enc1.<key id>.<iv>.<ciphertext>.<tag>` (base64url).
 * The additional authenticated data binds a record to its user id (or pending
 * state), so a record copied onto another user's row fails to open.
 */
export class TokenCipher {
  readonly current: Key;
  readonly #keys = new Map<string, Key>();

  constructor(options: EncryptionOptions, storeName: string) {
    if (!options.encryptionKey) {
      throw new TokenStoreError("EncryptionKeyMissing", `${storeName} needs options.encryptionKey (32 bytes, base64): generate one with generateEncryptionKey() and keep it in your secret store`);
    }
    this.current = parseKey(options.encryptionKey, "options.encryptionKey");
    this.#keys.set(this.current.id, this.current);
    (options.previousKeys ?? []).forEach((k, i) => {
      const key = parseKey(k, `options.previousKeys[${i}]`);
      if (!this.#keys.has(key.id)) this.#keys.set(key.id, key);
    });
  }

  /** An optional cipher: undefined when no key is configured. */
  static optional(options: EncryptionOptions, storeName: string): TokenCipher | undefined {
    if (!options.encryptionKey && (options.previousKeys ?? []).length > 0) {
      throw new TokenStoreError("EncryptionKeyMissing", `${storeName}: options.previousKeys is set but options.encryptionKey is not`);
    }
    return options.encryptionKey ? new TokenCipher(options, storeName) : undefined;
  }

  get keyId(): string {
    return this.current.id;
  }

  seal(aad: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.bytes, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [PREFIX, this.current.id, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  /** The key id a sealed value names. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split(".")[1];
  }

  open(aad: string, sealed: string, what: string): string {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== PREFIX) throw new TokenStoreError("DecryptionFailed", `${what} is not a sealed record`);
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new TokenStoreError(
        "EncryptionKeyUnknown",
        `${what} is encrypted with key id ${keyId}, which is neither options.encryptionKey (${this.current.id}) nor in options.previousKeys; configure that key (the tokens are kept, not deleted)`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenStoreError("DecryptionFailed", `${what} does not decrypt with key id ${keyId}: the record was altered or belongs to another user id`);
    }
  }
}

export const userAad = (userId: string): string => `token-store:v1:user:${userId}`;
export const pendingAad = (state: string): string => `token-store:v1:pending:${state}`;
