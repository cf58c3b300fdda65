import { loginCommand, refreshCommand } from '../profile/fix-commands.js';
import type { MachineGrant } from '../token/auth-token.js';
import { type ExpiringCredential, refreshState, refreshWindows } from './refresh-policy.js';

/** What {@link credentialStanding} needs to know of a credential (an `AuthToken` is one). */
export interface StandingCredential extends ExpiringCredential {
  /** Its refresh token: without one (or a grant), only a new login renews it. */
  readonly refreshToken?: string | undefined;
  /** The machine grant that acquires it again (a machine credential has no refresh token). */
  readonly grant?: MachineGrant | undefined;
  /** Set once the provider refused its refresh token (`invalid_grant`). */
  readonly reauthRequired?: boolean;
}

/**
 * Where a credential stands at a moment: the one answer to "is it due?"
 * (DESIGN.md §6c). `remainingMs` is infinite for a credential without expiry.
 *
 * - `fresh`: use it, nothing to do.
 * - `advisory`: refreshable and in its advisory window: refresh in the
 *   background, callers keep it.
 * - `mandatory`: refreshable and in its mandatory window: callers wait for a refresh.
 * - `expired`: refreshable but past its expiry: unusable until refreshed.
 * - `renewal-due`: not refreshable (a subscription token) and within its
 *   renewal window: still usable; warn, a new login renews it.
 * - `relogin-required`: unusable, and only a new login helps (expired without
 *   a refresh token, or its refresh token was refused).
 */
export type CredentialStanding =
  | { readonly state: 'fresh'; readonly remainingMs: number }
  | { readonly state: 'advisory'; readonly remainingMs: number }
  | { readonly state: 'mandatory'; readonly remainingMs: number }
  | { readonly state: 'expired'; readonly remainingMs: number }
  | { readonly state: 'renewal-due'; readonly remainingMs: number }
  | { readonly state: 'relogin-required'; readonly reason: 'expired' | 'refused' };

/** One of the states of {@link CredentialStanding}. */
export type StandingState = CredentialStanding['state'];

/**
 * Whether a credential can be renewed without a person: by its refresh token,
 * or by repeating its machine grant (DESIGN.md §6d). The one answer every
 * caller asks, so a machine credential is "refreshed" exactly when an OAuth
 * login would be.
 *
 * @param credential - Its refresh token and grant, if any.
 */
export function isRenewable(
  credential: Pick<StandingCredential, 'refreshToken' | 'grant'>,
): boolean {
  return credential.refreshToken !== undefined || credential.grant !== undefined;
}

/**
 * Where a credential stands now, by the refresh policy's windows
 * (`refresh-policy.ts`): every caller — credential resolution, `status`,
 * `refresh`, `token` — asks here.
 *
 * @param credential - Its expiry, when it was obtained, its refresh token if any.
 * @param now - The current time in epoch ms.
 */
export function credentialStanding(
  credential: StandingCredential,
  now: number,
): CredentialStanding {
  if (credential.reauthRequired === true) return { state: 'relogin-required', reason: 'refused' };
  const remainingMs =
    credential.expiresAt === null ? Number.POSITIVE_INFINITY : credential.expiresAt.getTime() - now;
  if (!isRenewable(credential)) {
    if (remainingMs <= 0) return { state: 'relogin-required', reason: 'expired' };
    return remainingMs <= refreshWindows(credential).renewalMs
      ? { state: 'renewal-due', remainingMs }
      : { state: 'fresh', remainingMs };
  }
  const state = refreshState(credential, now);
  return { state, remainingMs };
}

/**
 * Whether a credential in this standing can be used as it is (perhaps with
 * a refresh started in the background).
 *
 * @param standing - From {@link credentialStanding}.
 */
export function isUsable(standing: CredentialStanding): boolean {
  switch (standing.state) {
    case 'fresh':
    case 'advisory':
    case 'mandatory':
    case 'renewal-due':
      return true;
    case 'expired':
    case 'relogin-required':
      return false;
    default:
      return unreachable(standing);
  }
}

/**
 * The exact command that fixes a standing, as the user would type it; `null`
 * when nothing needs fixing (a refresh the library does on its own included).
 *
 * @param standing - From {@link credentialStanding}.
 * @param profile - The profile, named in the command unless it is the default.
 * @param kind - `claude-subscription`: `claude-auth refresh` renews it through
 *   the official login; any other credential without a refresh token needs `login`.
 */
export function standingFix(
  standing: CredentialStanding,
  profile: string | undefined,
  kind: 'claude-subscription' | 'oauth',
): string | null {
  switch (standing.state) {
    case 'fresh':
    case 'advisory':
    case 'mandatory':
      return null;
    case 'expired':
      return refreshCommand(profile);
    case 'renewal-due':
      return kind === 'claude-subscription' ? refreshCommand(profile) : loginCommand(profile);
    case 'relogin-required':
      return loginCommand(profile);
    default:
      return unreachable(standing);
  }
}

function unreachable(standing: never): never {
  throw new Error(`unknown credential standing ${JSON.stringify(standing)}`);
}
