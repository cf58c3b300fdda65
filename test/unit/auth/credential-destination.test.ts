import { describe, expect, it } from 'vitest';
import {
  credentialDestination,
  SUBSCRIPTION_BASE_URL_VARIABLE,
} from '../../../src/auth/credential-destination.js';
import {
  type CredentialSource,
  ResolvedCredential,
  type ResolvedCredentialKind,
} from '../../../src/auth/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';

const GATEWAY = 'https://gateway.example/anthropic';
const INHERITED = 'https://proxy.example';
const EXPLICIT = 'http://127.0.0.1:8080';

function credential(
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

const inherited = { ANTHROPIC_BASE_URL: INHERITED };

describe('credentialDestination: where each credential may go', () => {
  it.each(['claude-subscription', 'claude-code-login'] as const)(
    'a %s goes to Anthropic: never to an inherited base URL; to one the call or the opt-in names',
    (kind) => {
      const c = credential(kind, kind === 'claude-code-login' ? 'claude-code-login' : 'profile');
      expect(credentialDestination(c, { inherited })).toBeUndefined();
      expect(credentialDestination(c, { inherited, explicit: {} })).toBeUndefined();
      expect(
        credentialDestination(c, { inherited, explicit: { ANTHROPIC_BASE_URL: EXPLICIT } }),
      ).toBe(EXPLICIT);
      expect(
        credentialDestination(c, {
          inherited: { ...inherited, [SUBSCRIPTION_BASE_URL_VARIABLE]: GATEWAY },
        }),
      ).toBe(GATEWAY);
    },
  );

  it('a subscription token from CLAUDE_CODE_OAUTH_TOKEN follows the same rule', () => {
    const c = credential('claude-subscription', 'env:CLAUDE_CODE_OAUTH_TOKEN');
    expect(credentialDestination(c, { inherited })).toBeUndefined();
  });

  it('a stored gateway token goes only to its stored API base URL, whatever the environment says', () => {
    const c = credential('oauth', 'profile', GATEWAY);
    expect(credentialDestination(c, { inherited })).toBe(GATEWAY);
    expect(
      credentialDestination(c, { inherited, explicit: { ANTHROPIC_BASE_URL: EXPLICIT } }),
    ).toBe(GATEWAY);
  });

  it('a stored gateway token without an API base URL is CONFIG_INVALID with the fix, never api.anthropic.com', () => {
    const c = credential('oauth', 'profile');
    for (const context of [{ inherited: {} }, { inherited }]) {
      expect(() => credentialDestination(c, context)).toThrow(
        expect.objectContaining({
          code: AuthErrorCode.CONFIG_INVALID,
          fix: expect.stringContaining('CLAUDE_OAUTH_API_BASE_URL'),
        }),
      );
    }
  });

  it("an API key or the caller's own bearer header goes where the caller's environment points", () => {
    for (const c of [credential('api-key', 'option'), credential('oauth', 'option')]) {
      expect(credentialDestination(c, { inherited: {} })).toBeUndefined();
      expect(credentialDestination(c, { inherited })).toBe(INHERITED);
      expect(
        credentialDestination(c, { inherited, explicit: { ANTHROPIC_BASE_URL: EXPLICIT } }),
      ).toBe(EXPLICIT);
    }
  });

  it.each([
    ['http://gateway.example', false],
    ['http://10.0.0.5:8080', false],
    ['ftp://gateway.example', false],
    ['not a url', false],
    ['https://gateway.example', true],
    ['http://127.0.0.1:9', true],
    ['http://127.8.0.1', true],
    ['http://[::1]:9', true],
    ['http://localhost:9', true],
  ])('%s: any credential allowed = %s (plain http only on loopback)', (url, allowed) => {
    const kinds = [
      credential('api-key', 'option'),
      credential('claude-subscription'),
      credential('oauth', 'profile', url),
    ];
    for (const c of kinds) {
      const decide = () =>
        credentialDestination(c, { inherited: {}, explicit: { ANTHROPIC_BASE_URL: url } });
      if (allowed) expect(decide()).toBe(url);
      else expect(decide).toThrow(expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }));
    }
  });
});
