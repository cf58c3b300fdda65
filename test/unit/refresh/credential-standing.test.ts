import { describe, expect, it } from 'vitest';
import {
  type CredentialStanding,
  credentialStanding,
  isRenewable,
  isUsable,
  standingFix,
} from '../../../src/refresh/credential-standing.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 86_400_000;

/** A credential obtained `lifetime` before it expires, with `left` to go. */
function credential(lifetime: number, left: number, refreshToken?: string) {
  return {
    expiresAt: new Date(NOW + left),
    obtainedAt: new Date(NOW + left - lifetime),
    ...(refreshToken !== undefined && { refreshToken }),
  };
}

describe('credentialStanding: the one answer to "is it due?"', () => {
  it.each<[string, Parameters<typeof credentialStanding>[0], CredentialStanding['state']]>([
    ['a 1-h gateway token with 50 min left', credential(3_600_000, 3_000_000, 'r'), 'fresh'],
    ['a 1-h gateway token with 4 min left', credential(3_600_000, 240_000, 'r'), 'advisory'],
    ['a 1-h gateway token with 20 s left', credential(3_600_000, 20_000, 'r'), 'mandatory'],
    ['a gateway token past expiry, refreshable', credential(3_600_000, -1, 'r'), 'expired'],
    ['a one-year subscription token with 200 days left', credential(365 * DAY, 200 * DAY), 'fresh'],
    ['a subscription token with 10 days left', credential(365 * DAY, 10 * DAY), 'renewal-due'],
    [
      'a subscription token of unknown age with 10 days left',
      { expiresAt: new Date(NOW + 10 * DAY) },
      'renewal-due',
    ],
    ['a subscription token past expiry', credential(365 * DAY, -1), 'relogin-required'],
    ['a credential without expiry', { expiresAt: null }, 'fresh'],
    [
      'a token whose refresh token was refused',
      { ...credential(3_600_000, 3_000_000, 'r'), reauthRequired: true },
      'relogin-required',
    ],
  ])('%s: %s', (_what, input, state) => {
    expect(credentialStanding(input, NOW).state).toBe(state);
  });

  it('says why a re-login is required', () => {
    expect(credentialStanding(credential(DAY, -1), NOW)).toEqual({
      state: 'relogin-required',
      reason: 'expired',
    });
    expect(credentialStanding({ expiresAt: null, reauthRequired: true }, NOW)).toEqual({
      state: 'relogin-required',
      reason: 'refused',
    });
  });

  it.each<[CredentialStanding, boolean, string | null, string | null]>([
    [{ state: 'fresh', remainingMs: 1 }, true, null, null],
    [{ state: 'advisory', remainingMs: 1 }, true, null, null],
    [{ state: 'mandatory', remainingMs: 1 }, true, null, null],
    [
      { state: 'renewal-due', remainingMs: 1 },
      true,
      'claude-auth refresh --profile work',
      'claude-auth login --profile work',
    ],
    [
      { state: 'expired', remainingMs: -1 },
      false,
      'claude-auth refresh --profile work',
      'claude-auth refresh --profile work',
    ],
    [
      { state: 'relogin-required', reason: 'expired' },
      false,
      'claude-auth login --profile work',
      'claude-auth login --profile work',
    ],
  ])(
    '%j: usable %s, fixed by %s (subscription) / %s (gateway)',
    (standing, usable, subscriptionFix, gatewayFix) => {
      expect(isUsable(standing)).toBe(usable);
      expect(standingFix(standing, 'work', 'claude-subscription')).toBe(subscriptionFix);
      expect(standingFix(standing, 'work', 'oauth')).toBe(gatewayFix);
    },
  );

  it('names no profile flag for the default profile', () => {
    expect(standingFix({ state: 'expired', remainingMs: -1 }, 'default', 'oauth')).toBe(
      'claude-auth refresh',
    );
  });
});

describe('machine credentials: renewed by their grant, judged by the same windows', () => {
  const grant = { type: 'client_credentials', clientSecret: { env: 'S' } } as const;
  const machine = (lifetime: number, left: number) => ({ ...credential(lifetime, left), grant });

  it.each([
    ['60 s', 60_000],
    ['1 h', 3_600_000],
    ['1 year', 365 * DAY],
  ])(
    'a %s token: fresh on arrival, advisory past half its life or 5 min, expired (not re-login) after',
    (_label, lifetime) => {
      expect(credentialStanding(machine(lifetime, lifetime), NOW).state).toBe('fresh');
      const advisory = Math.min(lifetime / 2, 300_000);
      expect(credentialStanding(machine(lifetime, advisory - 1), NOW).state).not.toBe('fresh');
      expect(credentialStanding(machine(lifetime, advisory + 1), NOW).state).toBe('fresh');
      expect(credentialStanding(machine(lifetime, -1), NOW).state).toBe('expired');
    },
  );

  it('a machine token without refresh token is renewable; one without grant is not', () => {
    expect(isRenewable({ grant })).toBe(true);
    expect(isRenewable({ refreshToken: 'r' })).toBe(true);
    expect(isRenewable({})).toBe(false);
    // The renewal window of unrenewable tokens (subscription) never applies to a machine one.
    expect(credentialStanding(machine(365 * DAY, 10 * DAY), NOW).state).toBe('fresh');
  });
});
