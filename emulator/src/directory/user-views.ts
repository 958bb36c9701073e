import type { DeepReadonly } from "../store/store.ts";
import type { User } from "../store/types.ts";

type RUser = DeepReadonly<User>;

/**
 * How many projections (views) of users are kept at once: the default view
 * and a few `$select` lists clients repeat. A tenant queried with more
 * distinct lists keeps the ones used most recently.
 */
export const MAX_USER_VIEWS = 8;

/**
 * Ready JSON text of users' views, per projection, so that a page of users is
 * joined from text instead of built and serialized user by user. The
 * directory owns it beside its indexes (one per users array, so a reset,
 * snapshot import or reload starts empty) and forgets a user's texts whenever
 * the users model changes or removes that user. Texts are held weakly by the
 * user record, so the cache is at most `MAX_USER_VIEWS` texts per user and
 * goes with the users it describes.
 *
 * What a view looks like is the caller's business: `render` must give the
 * same text for the same user record and `view` key every time.
 */
export class UserViewCache {
  /** View key → texts by user record, least recently used first. */
  readonly #views = new Map<string, WeakMap<RUser, string>>();

  /** The texts of one view, marked as just used (a page asks for it once). */
  view(key: string): UserViewTexts {
    let texts = this.#views.get(key);
    if (texts) this.#views.delete(key);
    else {
      texts = new WeakMap();
      if (this.#views.size >= MAX_USER_VIEWS) this.#views.delete(this.#views.keys().next().value as string);
    }
    this.#views.set(key, texts);
    return new UserViewTexts(texts);
  }

  /** The user changed or left the directory: its texts are rendered again when next asked for. */
  forget(user: RUser): void {
    for (const texts of this.#views.values()) texts.delete(user);
  }

  /** How many views are held (for tests). */
  get size(): number {
    return this.#views.size;
  }
}

/** One view's texts. */
export class UserViewTexts {
  readonly #texts: WeakMap<RUser, string>;

  constructor(texts: WeakMap<RUser, string>) {
    this.#texts = texts;
  }

  /** The user's text in this view, rendered on first use. */
  text(user: RUser, render: (user: RUser) => string): string {
    let text = this.#texts.get(user);
    if (text === undefined) {
      text = render(user);
      this.#texts.set(user, text);
    }
    return text;
  }
}
