import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "./keys.ts";
import type { TokenMinter } from "./tokens.ts";

/** What every identity handler needs, passed in rather than imported. */
export interface IdentityDeps {
  store: Store;
  clock: Clock;
  keys: SigningKeys;
  minter: TokenMinter;
}
