import type { TokenStore } from "../token-store.ts";
import { TokenStoreError } from "./crypto.ts";

/**
 * Key rotation: rewrites every record of a store opened with the new key as
 * `encryptionKey` and the old one in `previousKeys`. Returns the number of
 * users rewritten; afterwards the old key can be dropped from the configuration.
 */
export async function reencryptTokenStore(store: TokenStore): Promise<number> {
  if (!store.reencryptAll) throw new TokenStoreError("StoreInvalid", `${store.constructor.name} does not encrypt its records`);
  return store.reencryptAll();
}
