import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { Low, type Adapter } from "lowdb";
import type { PendingSignIn, StoredUser } from "../token-store.ts";
import { isSealed, pendingAad, TokenCipher, TokenStoreError, userAad, type EncryptionOptions } from "./crypto.ts";
import { DataTokenStore, emptyData, type TokenStoreData } from "./data-store.ts";

/**
 * A lowdb adapter writing JSON with file mode 0600 (owner only), atomically:
 * a 0600 temporary file in the same directory, then rename.
 */
export class SecureJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    if ((await stat(this.file)).mode & 0o077) await chmod(this.file, 0o600);
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}

interface SealedUser {
  version: number;
  refreshedAt: string;
  sealed: string;
}
interface SealedPending {
  createdAt: string;
  sealed: string;
}
/** The file: each record either plaintext (files written before encryption, or without a key) or sealed. */
interface FileData {
  users: Record<string, StoredUser | SealedUser>;
  pending: Record<string, PendingSignIn | SealedPending>;
}

const sealedOf = (r: object): string | undefined => {
  const s = (r as { sealed?: unknown }).sealed;
  return isSealed(s) ? s : undefined;
};

/**
 * Persists users' token caches in one lowdb JSON file with mode 0600, for one
 * process. With `encryptionKey` every record is sealed (AES-256-GCM, bound to
 * its user id); a plaintext file from an earlier version loads and is rewritten
 * encrypted at open. Open it with `LowdbTokenStore.open(file, options)`.
 */
export class LowdbTokenStore extends DataTokenStore {
  readonly #data: TokenStoreData;
  /** Sealed form of each record object already written, so a write re-seals only what changed. */
  #sealedUsers = new WeakMap<StoredUser, SealedUser>();
  #sealedPending = new WeakMap<PendingSignIn, SealedPending>();

  private constructor(
    private readonly db: Low<FileData>,
    data: TokenStoreData,
    private readonly cipher: TokenCipher | undefined,
  ) {
    super();
    this.#data = data;
  }

  static async open(file: string, options: EncryptionOptions = {}): Promise<LowdbTokenStore> {
    const cipher = TokenCipher.optional(options, "LowdbTokenStore");
    const db = new Low<FileData>(new SecureJsonFile<FileData>(file), emptyData());
    await db.read();
    const raw: FileData = { ...emptyData(), ...(db.data ?? {}) };
    const data = emptyData();
    let plaintext = false;
    const current: [StoredUser, SealedUser][] = [];
    const need = (what: string): TokenCipher => {
      if (!cipher) throw new TokenStoreError("EncryptionKeyMissing", `${file} holds encrypted ${what}: open it with options.encryptionKey (the tokens are kept, not deleted)`);
      return cipher;
    };
    for (const [id, rec] of Object.entries(raw.users)) {
      const sealed = sealedOf(rec);
      if (sealed) {
        const user = JSON.parse(need("users").open(userAad(id), sealed, `the record of user ${JSON.stringify(id)} in ${file}`)) as StoredUser;
        data.users[id] = { ...user, userId: id, version: (rec as SealedUser).version };
        if (TokenCipher.keyIdOf(sealed) === cipher?.keyId) current.push([data.users[id], rec as SealedUser]);
      } else {
        data.users[id] = rec as StoredUser;
        plaintext = true;
      }
    }
    for (const [state, rec] of Object.entries(raw.pending)) {
      const sealed = sealedOf(rec);
      if (sealed) data.pending[state] = JSON.parse(need("sign-ins").open(pendingAad(state), sealed, `a pending sign-in in ${file}`)) as PendingSignIn;
      else {
        data.pending[state] = rec as PendingSignIn;
        plaintext = true;
      }
    }
    const store = new LowdbTokenStore(db, data, cipher);
    for (const [user, rec] of current) store.#sealedUsers.set(user, rec);
    if (cipher && plaintext) await store.reencryptAll();
    return store;
  }

  get file(): string {
    return (this.db.adapter as SecureJsonFile<FileData>).file;
  }
  /** Whether records are written encrypted. */
  get encrypted(): boolean {
    return this.cipher !== undefined;
  }
  protected data(): TokenStoreData {
    return this.#data;
  }
  protected persist(): Promise<void> {
    const cipher = this.cipher;
    if (!cipher) {
      this.db.data = this.#data;
      return this.db.write();
    }
    const out: FileData = { users: {}, pending: {} };
    for (const [id, user] of Object.entries(this.#data.users)) {
      let sealed = this.#sealedUsers.get(user);
      if (!sealed) {
        const { version, ...rest } = user;
        sealed = { version: version ?? 1, refreshedAt: user.refreshedAt, sealed: cipher.seal(userAad(id), JSON.stringify(rest)) };
        this.#sealedUsers.set(user, sealed);
      }
      out.users[id] = sealed;
    }
    for (const [state, p] of Object.entries(this.#data.pending)) {
      let sealed = this.#sealedPending.get(p);
      if (!sealed) {
        sealed = { createdAt: p.createdAt, sealed: cipher.seal(pendingAad(state), JSON.stringify(p)) };
        this.#sealedPending.set(p, sealed);
      }
      out.pending[state] = sealed;
    }
    this.db.data = out;
    return this.db.write();
  }

  /** Rewrites every record under the current encryptionKey (after a rotation, or to encrypt a plaintext file). Returns the number of users. */
  async reencryptAll(): Promise<number> {
    if (!this.cipher) throw new TokenStoreError("EncryptionKeyMissing", "reencryptAll needs options.encryptionKey");
    return this.mutate((d) => {
      this.#sealedUsers = new WeakMap();
      this.#sealedPending = new WeakMap();
      return Object.keys(d.users).length;
    });
  }
}
