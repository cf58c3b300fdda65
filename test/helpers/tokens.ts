import { randomBytes } from 'node:crypto';
import {
  type CredentialSource,
  ResolvedCredential,
  type ResolvedCredentialKind,
} from '../../src/credentials/resolved-credential.js';
import { AuthToken, type AuthTokenInit } from '../../src/index.js';

/**
 * Every fake secret this test process has made: helpers that capture output
 * (every CLI run, for one) check that none of them appears where it must not.
 */
export const knownSecrets = new Set<string>();

/** An obviously fake secret, unique per call, easy to search for in output. */
export function fakeSecret(label: string): string {
  const secret = `test-${label}-${randomBytes(12).toString('hex')}`;
  knownSecrets.add(secret);
  return secret;
}

/** Changes to a test token; a field set to `undefined` is left out. */
export type TokenChanges = { [K in keyof AuthTokenInit]?: AuthTokenInit[K] | undefined };

/** An OAuth token expiring `expiresInMs` after `now`, with fake secrets. */
export function oauthToken(
  expiresInMs: number,
  now = Date.now(),
  changes: TokenChanges = {},
): AuthToken {
  const init = {
    kind: 'oauth',
    accessToken: fakeSecret('access'),
    refreshToken: fakeSecret('refresh'),
    expiresAt: new Date(now + expiresInMs),
    scopes: ['openid', 'offline_access'],
    provider: { clientId: 'test-client', tokenEndpoint: 'http://127.0.0.1:1/token' },
    account: { email: 'user@example.test', subject: 'user-1' },
    obtainedAt: new Date(now),
    ...changes,
  };
  return new AuthToken(
    Object.fromEntries(
      Object.entries(init).filter(([, v]) => v !== undefined),
    ) as unknown as AuthTokenInit,
  );
}

/**
 * A resolved credential of `kind` with the plain secret `'secret-value'` (tests
 * of where a credential may go and how it is injected assert on it).
 */
export function resolvedCredential(
  kind: ResolvedCredentialKind,
  source: CredentialSource = 'profile',
  apiBaseUrl?: string,
): ResolvedCredential {
  return new ResolvedCredential({
    kind,
    source,
    secret: 'secret-value',
    ...(apiBaseUrl !== undefined && { apiBaseUrl }),
  });
}
