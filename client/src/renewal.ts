import { randomUUID } from "node:crypto";
import { MicrosoftFunctionsError } from "./errors.ts";
import { TokenStoreError } from "./stores/crypto.ts";
import type { Settings } from "./settings.ts";
import type { TokenStore } from "./token-store.ts";
import type { UserTokens } from "./user-tokens.ts";

const DAY_MS = 86_400_000;

export interface RenewalFailure {
  userId: string;
  /** The typed error's code, e.g. RefreshTokenInvalid or ScopeInvalid (the user must sign in again). */
  code: string;
  message: string;
}

export interface RenewalReport {
  /** Users whose refresh token was redeemed (and so renewed). */
  renewed: string[];
  /** Users refreshed recently enough to leave alone, or renewed meanwhile by another instance sharing the store. */
  skipped: string[];
  failed: RenewalFailure[];
}

export interface RenewalOptions {
  /** Renew users last refreshed at least this many days ago (default: settings.renewal.renewAfterDays). */
  renewAfterDays?: number;
  /** How many users are renewed at once (default 4). */
  concurrency?: number;
  /** Called after each user with the count done and the total, for progress output. */
  onProgress?: (done: number, total: number) => void;
  /**
   * How long this instance's claim on a user lasts (default 5 minutes) when the
   * store is shared (claimRenewal): another instance takes the user over once
   * the claim expires, e.g. after this instance crashed mid-sweep.
   */
  leaseMs?: number;
  /** "Now" for deciding who is due (default: the client's clock, ClientOptions.now, itself the system clock by default). */
  now?: () => Date;
}


/**
 * Keeps delegated access alive for users who never come back: Entra ID lets a
 * refresh token die after 90 days without use, so every stored user whose
 * tokens were last refreshed `renewAfterDays` or more ago has their refresh
 * token redeemed now. Failures are reported, never thrown, so one user cannot
 * stop the sweep.
 */
export async function renewRefreshTokens(
  settings: Settings,
  store: TokenStore,
  tokens: UserTokens,
  options: RenewalOptions = {},
): Promise<RenewalReport> {
  const threshold = (options.renewAfterDays ?? settings.renewal.renewAfterDays) * DAY_MS;
  const now = options.now ?? (() => new Date());
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const due = (refreshedAt: string) => now().getTime() - new Date(refreshedAt).getTime() >= threshold;
  // Names this sweep's claims in a shared store.
  const sweepId = randomUUID();
  const ids = await store.listUserIds();
  const outcomes: (["renewed"] | ["skipped"] | ["failed", RenewalFailure] | undefined)[] = new Array(ids.length);

  const renewOne = async (userId: string): Promise<(typeof outcomes)[number]> => {
    const owner = sweepId;
    let claimed = false;
    try {
      const user = await store.getUser(userId);
      if (!user) return undefined;
      if (!due(user.refreshedAt)) return ["skipped"];
      if (store.claimRenewal) {
        if (!(await store.claimRenewal(userId, { owner, now: now(), leaseMs }))) return ["skipped"];
        claimed = true;
        // Another instance may have renewed the user between the read and the claim.
        const fresh = await store.getUser(userId);
        if (!fresh) return undefined;
        if (!due(fresh.refreshedAt)) return ["skipped"];
      }
      // A sweep over many users keeps no MSAL app for users this instance does not otherwise serve.
      const kept = tokens.hasApp(userId);
      try {
        await tokens.accessToken(userId, { forceRefresh: true });
      } finally {
        if (!kept) tokens.forget(userId);
      }
      return ["renewed"];
    } catch (err) {
      const code = err instanceof MicrosoftFunctionsError || err instanceof TokenStoreError ? err.code : "Error";
      return ["failed", { userId, code, message: err instanceof Error ? err.message : String(err) }];
    } finally {
      if (claimed) await store.releaseRenewal?.(userId, owner).catch(() => undefined);
    }
  };

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      outcomes[i] = await renewOne(ids[i] as string);
      options.onProgress?.(++done, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));

  const report: RenewalReport = { renewed: [], skipped: [], failed: [] };
  outcomes.forEach((o, i) => {
    if (!o) return;
    if (o[0] === "failed") report.failed.push(o[1]);
    else report[o[0]].push(ids[i] as string);
  });
  return report;
}

export interface RenewalTimerOptions extends RenewalOptions {
  /** How often to sweep (default 12 hours). */
  intervalMs?: number;
  /** Called with each sweep's report. */
  onReport?: (report: RenewalReport) => void;
  /** Called if a sweep itself fails (e.g. the token store is unreadable). */
  onError?: (error: unknown) => void;
}

export interface RenewalTimer {
  stop(): void;
}

/** Runs the renewal sweep on an interval; the timer does not keep the process alive. Overlapping sweeps are skipped. */
export function startRenewalTimer(sweep: (options: RenewalOptions) => Promise<RenewalReport>, options: RenewalTimerOptions = {}): RenewalTimer {
  const intervalMs = options.intervalMs ?? 12 * 3_600_000;
  if (!(intervalMs > 0)) throw new RangeError("intervalMs must be a positive number of milliseconds");
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep(options)
      .then((r) => options.onReport?.(r))
      .catch((e: unknown) => options.onError?.(e))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
