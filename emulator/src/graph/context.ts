import type { Clock } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { SigningKeys } from "../identity/keys.ts";
import type { ChangeNotifications } from "./subscriptions/notifications.ts";

/** What every Graph feature needs, passed in rather than imported. */
export interface GraphDeps {
  store: Store;
  clock: Clock;
  /** The token-signing key, made or loaded in the background from start: awaited where a token is signed or checked. */
  keys: Promise<SigningKeys>;
  /** Change notifications: validation handshakes and deliveries to subscribers' receivers. */
  notifications: ChangeNotifications;
}
