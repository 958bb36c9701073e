import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "./keys.ts";
import type { TokenMinter } from "./tokens.ts";

/** What every identity handler needs, passed in rather than imported. */
export interface IdentityDeps {
  store: Store;
  clock: Clock;
  /** The token-signing key, made or loaded in the background from start: awaited where a token is signed or checked. */
  keys: Promise<SigningKeys>;
  minter: TokenMinter;
}
