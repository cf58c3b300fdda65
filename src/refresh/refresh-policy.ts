/**
 * The one place that decides when a credential is due (DESIGN.md §6b). Every
 * caller — the token manager, credential resolution, rotation into a running
 * query, `status` and `refresh` — asks here, so a 60-second gateway token and a
 * one-year subscription token are judged by the same rule.
 *
 * The windows scale with the token's lifetime: the advisory window is the
 * shorter of {@link ADVISORY_REFRESH_WINDOW_MS} and half the lifetime, the
 * mandatory window the shorter of {@link MANDATORY_REFRESH_WINDOW_MS} and a
 * quarter of it. A token is therefore never due on arrival, and a token that
 * lives `L` is refreshed about once per `L / 2`, never more often.
 */

/** The longest advisory window: refresh in the background within this long of expiry. */
export const ADVISORY_REFRESH_WINDOW_MS = 5 * 60_000;

/** The longest mandatory window: callers wait for a refresh within this long of expiry. */
export const MANDATORY_REFRESH_WINDOW_MS = 30_000;

/**
 * The longest a subscription token is renewed ahead of expiry: within 30 days
 * the user is warned and `claude-auth refresh` renews it.
 */
export const RENEWAL_WARNING_WINDOW_MS = 30 * 86_400_000;

/** What the policy needs to know of a credential. */
export interface ExpiringCredential {
  /** Absolute expiry, or `null` for a credential with no known lifetime (never due). */
  readonly expiresAt: Date | null;
  /** When it was obtained; the lifetime is `expiresAt − obtainedAt`. Unknown: the full windows apply. */
  readonly obtainedAt?: Date | undefined;
}

/** The refresh windows of one credential, in milliseconds before its expiry. */
export interface RefreshWindows {
  /** Refresh in the background from here on; callers keep the current token. */
  readonly advisoryMs: number;
  /** From here on callers wait for a refresh. */
  readonly mandatoryMs: number;
  /** Subscription tokens: warn and offer renewal from here on. */
  readonly renewalMs: number;
}

/** Where a credential stands at a moment, by {@link refreshWindows}. */
export type RefreshState = 'fresh' | 'advisory' | 'mandatory' | 'expired';

/**
 * The credential's lifetime in ms: from `obtainedAt` to `expiresAt`; infinite
 * when either is unknown (`obtainedAt` missing or not before expiry), so that
 * the full windows apply. Judging an unknown lifetime by what is left would
 * shrink the windows with the token: it would never be due before it expired.
 * A token of unknown lifetime is refreshed once, early at worst; its successor
 * has a known one.
 */
export function lifetimeMs(credential: ExpiringCredential): number {
  if (credential.expiresAt === null) return Number.POSITIVE_INFINITY;
  const expiry = credential.expiresAt.getTime();
  // A token file written before `obtainedAt` was recorded reads as the epoch: unknown.
  const obtained = credential.obtainedAt?.getTime();
  const known = obtained !== undefined && obtained > 0 && obtained < expiry;
  return known ? expiry - obtained : Number.POSITIVE_INFINITY;
}

/**
 * The windows of a credential, scaled to its lifetime.
 *
 * @param credential - Its expiry and when it was obtained.
 * @param _now - Not needed (the windows depend on the lifetime alone); accepted
 *   so that callers written when an unknown lifetime was judged by what is left still compile.
 */
export function refreshWindows(credential: ExpiringCredential, _now?: number): RefreshWindows {
  const lifetime = lifetimeMs(credential);
  return {
    advisoryMs: Math.min(ADVISORY_REFRESH_WINDOW_MS, lifetime / 2),
    mandatoryMs: Math.min(MANDATORY_REFRESH_WINDOW_MS, lifetime / 4),
    renewalMs: Math.min(RENEWAL_WARNING_WINDOW_MS, lifetime / 2),
  };
}

/**
 * Where a credential stands now.
 *
 * @param credential - Its expiry and when it was obtained.
 * @param now - The current time in epoch ms.
 */
export function refreshState(credential: ExpiringCredential, now: number): RefreshState {
  if (credential.expiresAt === null) return 'fresh';
  const remaining = credential.expiresAt.getTime() - now;
  if (remaining <= 0) return 'expired';
  const windows = refreshWindows(credential, now);
  if (remaining <= windows.mandatoryMs) return 'mandatory';
  if (remaining <= windows.advisoryMs) return 'advisory';
  return 'fresh';
}

/**
 * When (epoch ms) a credential enters its advisory window: when a running
 * session should be handed a renewed one. `undefined` when it never expires.
 */
export function advisoryDueAt(credential: ExpiringCredential, now: number): number | undefined {
  if (credential.expiresAt === null) return undefined;
  return credential.expiresAt.getTime() - refreshWindows(credential, now).advisoryMs;
}
