import { describe, expect, it } from 'vitest';
import { credentialStanding } from '../../../src/refresh/credential-standing.js';
import { freshStoredToken } from '../../../src/refresh/fresh-stored-token.js';
import {
  ADVISORY_REFRESH_WINDOW_MS,
  MANDATORY_REFRESH_WINDOW_MS,
} from '../../../src/refresh/refresh-policy.js';
import type { StoredCredential } from '../../../src/store/credential-store.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { oauthToken, type TokenChanges } from '../../helpers/tokens.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;

/** A token that lives `lifetime` and has `left` of it to go at {@link NOW}. */
function token(lifetime: number, left: number, changes: TokenChanges = {}): AuthToken {
  return oauthToken(left, NOW, { obtainedAt: new Date(NOW + left - lifetime), ...changes });
}

/** A subscription token: captured from the official CLI, with no refresh token. */
function subscriptionToken(lifetime: number, left: number): AuthToken {
  return token(lifetime, left, { kind: 'claude-subscription', refreshToken: undefined });
}

function stored(credential: AuthToken): StoredCredential {
  return { token: credential, revision: 'revision-1' };
}

interface Case {
  readonly name: string;
  readonly token: AuthToken;
  /** Whether the token is handed out as it is. */
  readonly fresh: boolean;
}

const LIFETIMES: readonly [string, number][] = [
  ['60 s', 60 * SECOND],
  ['5 min', 5 * MINUTE],
  ['10 min', 10 * MINUTE],
  ['1 h', 60 * MINUTE],
  ['1 day', DAY],
  ['1 year', 365 * DAY],
];

/** The advisory and mandatory windows the policy gives a lifetime, written out here. */
function windows(lifetime: number): { advisory: number; mandatory: number } {
  return {
    advisory: Math.min(5 * MINUTE, lifetime / 2),
    mandatory: Math.min(30 * SECOND, lifetime / 4),
  };
}

const refreshableCases: Case[] = LIFETIMES.flatMap(([label, lifetime]): Case[] => {
  const { advisory, mandatory } = windows(lifetime);
  return [
    { name: `a ${label} token just obtained`, token: token(lifetime, lifetime), fresh: true },
    {
      name: `a ${label} token 1 ms before its advisory window`,
      token: token(lifetime, advisory + 1),
      fresh: true,
    },
    {
      name: `a ${label} token at the start of its advisory window`,
      token: token(lifetime, advisory),
      fresh: false,
    },
    {
      name: `a ${label} token at the start of its mandatory window`,
      token: token(lifetime, mandatory),
      fresh: false,
    },
    { name: `a ${label} token 1 ms before expiry`, token: token(lifetime, 1), fresh: false },
    { name: `a ${label} token at its expiry`, token: token(lifetime, 0), fresh: false },
    { name: `a ${label} token past its expiry`, token: token(lifetime, -MINUTE), fresh: false },
    {
      name: `a ${label} token whose refresh token was refused`,
      token: token(lifetime, lifetime, { reauthRequired: true }),
      fresh: false,
    },
  ];
});

const otherCases: Case[] = [
  {
    name: 'a token of unknown age 1 ms outside the full advisory window',
    token: oauthToken(ADVISORY_REFRESH_WINDOW_MS + 1, NOW, { obtainedAt: undefined }),
    fresh: true,
  },
  {
    name: 'a token of unknown age inside the full advisory window',
    token: oauthToken(ADVISORY_REFRESH_WINDOW_MS, NOW, { obtainedAt: undefined }),
    fresh: false,
  },
  {
    name: 'a token of unknown age in the full mandatory window',
    token: oauthToken(MANDATORY_REFRESH_WINDOW_MS, NOW, { obtainedAt: undefined }),
    fresh: false,
  },
  { name: 'a token without expiry', token: oauthToken(0, NOW, { expiresAt: null }), fresh: true },
  {
    name: 'a token without expiry whose refresh token was refused',
    token: oauthToken(0, NOW, { expiresAt: null, reauthRequired: true }),
    fresh: false,
  },
  {
    name: 'a one-year subscription token with 200 days left',
    token: subscriptionToken(365 * DAY, 200 * DAY),
    fresh: true,
  },
  {
    name: 'a one-year subscription token 1 ms before its 30-day renewal window',
    token: subscriptionToken(365 * DAY, 30 * DAY + 1),
    fresh: true,
  },
  {
    name: 'a one-year subscription token at the start of its 30-day renewal window',
    token: subscriptionToken(365 * DAY, 30 * DAY),
    fresh: false,
  },
  {
    name: 'a one-year subscription token with 10 days left',
    token: subscriptionToken(365 * DAY, 10 * DAY),
    fresh: false,
  },
  {
    name: 'a subscription token past its expiry',
    token: subscriptionToken(365 * DAY, -1),
    fresh: false,
  },
];

describe('freshStoredToken', () => {
  it.each([...refreshableCases, ...otherCases])('$name: handed out $fresh', (testCase) => {
    const answer = freshStoredToken(stored(testCase.token), NOW);
    // The literal expectation, and the one rule it must agree with.
    expect(answer).toBe(testCase.fresh ? testCase.token : undefined);
    expect(credentialStanding(testCase.token, NOW).state === 'fresh').toBe(testCase.fresh);
  });

  it('hands out the stored token itself, not a copy', () => {
    const credential = token(60 * MINUTE, 30 * MINUTE);
    expect(freshStoredToken(stored(credential), NOW)).toBe(credential);
  });

  it('is undefined when nothing is stored', () => {
    expect(freshStoredToken(null, NOW)).toBeUndefined();
    expect(freshStoredToken(null)).toBeUndefined();
  });

  it('judges by the current time when given none', () => {
    const fresh = oauthToken(60 * MINUTE);
    expect(freshStoredToken(stored(fresh))).toBe(fresh);
    expect(freshStoredToken(stored(oauthToken(-MINUTE)))).toBeUndefined();
    const hourAgo = new Date(Date.now() - 60 * MINUTE);
    const due = oauthToken(10 * SECOND, Date.now(), { obtainedAt: hourAgo });
    expect(freshStoredToken(stored(due))).toBeUndefined();
  });
});
