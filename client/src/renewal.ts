import { MicrosoftFunctionsError } from "./errors.ts";
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
  /** Users refreshed recently enough to leave alone. */
  skipped: string[];
  failed: RenewalFailure[];
}

export interface RenewalOptions {
  /** Renew users last refreshed at least this many days ago (default: settings.renewal.renewAfterDays). */
  renewAfterDays?: number;
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
  const report: RenewalReport = { renewed: [], skipped: [], failed: [] };
  const now = options.now ?? (() => new Date());
  for (const userId of await store.listUserIds()) {
    const user = await store.getUser(userId);
    if (!user) continue;
    if (now().getTime() - new Date(user.refreshedAt).getTime() < threshold) {
      report.skipped.push(userId);
      continue;
    }
    try {
      await tokens.accessToken(userId, { forceRefresh: true });
      report.renewed.push(userId);
    } catch (err) {
      const code = err instanceof MicrosoftFunctionsError ? err.code : "Error";
      report.failed.push({ userId, code, message: err instanceof Error ? err.message : String(err) });
    }
  }
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
