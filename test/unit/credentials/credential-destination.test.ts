import { describe, expect, it } from 'vitest';
import {
  assertSecureDestination,
  credentialDestination,
  destinationAllows,
  SUBSCRIPTION_BASE_URL_VARIABLE,
} from '../../../src/credentials/credential-destination.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { resolvedCredential } from '../../helpers/tokens.js';

const GATEWAY = 'https://gateway.example/anthropic';
const INHERITED = 'https://proxy.example';
const EXPLICIT = 'http://127.0.0.1:8080';

const inherited = { ANTHROPIC_BASE_URL: INHERITED };

describe('credentialDestination: where each credential may go', () => {
  it.each(['claude-subscription', 'claude-code-login'] as const)(
    'a %s goes to Anthropic: never to an inherited base URL; to one the call or the opt-in names',
    (kind) => {
      const c = resolvedCredential(
        kind,
        kind === 'claude-code-login' ? 'claude-code-login' : 'profile',
      );
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
    const c = resolvedCredential('claude-subscription', 'env:CLAUDE_CODE_OAUTH_TOKEN');
    expect(credentialDestination(c, { inherited })).toBeUndefined();
  });

  it('a stored gateway token goes only to its stored API base URL, whatever the environment says', () => {
    const c = resolvedCredential('oauth', 'profile', GATEWAY);
    expect(credentialDestination(c, { inherited })).toBe(GATEWAY);
    expect(
      credentialDestination(c, { inherited, explicit: { ANTHROPIC_BASE_URL: EXPLICIT } }),
    ).toBe(GATEWAY);
  });

  it('a stored gateway token without an API base URL is CONFIG_INVALID with the fix, never api.anthropic.com', () => {
    const c = resolvedCredential('oauth', 'profile');
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
    for (const c of [
      resolvedCredential('api-key', 'option'),
      resolvedCredential('oauth', 'option'),
    ]) {
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
    ['ftp://127.0.0.1:21', false],
    ['ws://localhost:9', false],
    ['not a url', false],
    ['https://gateway.example', true],
    ['http://127.0.0.1:9', true],
    ['http://127.8.0.1', true],
    ['http://[::1]:9', true],
    ['http://localhost:9', true],
  ])(
    '%s: any credential allowed = %s (https anywhere, plain http only on loopback, no other scheme)',
    (url, allowed) => {
      const kinds = [
        resolvedCredential('api-key', 'option'),
        resolvedCredential('claude-subscription'),
        resolvedCredential('oauth', 'profile', url),
      ];
      for (const c of kinds) {
        const decide = () =>
          credentialDestination(c, { inherited: {}, explicit: { ANTHROPIC_BASE_URL: url } });
        if (allowed) expect(decide()).toBe(url);
        else
          expect(decide).toThrow(expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }));
      }
    },
  );
});

describe('assertSecureDestination: the refusal says why, with its code and without secrets', () => {
  const c = resolvedCredential('api-key', 'option');
  const refusal = (url: string) => {
    try {
      assertSecureDestination(c, url);
    } catch (error) {
      return error as { code?: string; message: string; fix?: string };
    }
    throw new Error(`${url} was allowed`);
  };

  it('plain http off loopback is CONFIG_INVALID naming plain http and the fix, not the password in the URL', () => {
    const error = refusal('http://user:hunter2@gateway.example:8080/v1');
    expect(error.code).toBe(AuthErrorCode.CONFIG_INVALID);
    expect(error.message).toContain('http://gateway.example:8080: plain http off this machine');
    expect(error.message).not.toContain(': scheme');
    expect(error.message).not.toContain('hunter2');
    expect(error.fix).toContain('https://');
  });

  it.each(['ftp://127.0.0.1:21', 'ws://localhost:9'])(
    'another scheme (%s) is CONFIG_INVALID naming the scheme, even on loopback',
    (url) => {
      const error = refusal(url);
      expect(error.code).toBe(AuthErrorCode.CONFIG_INVALID);
      expect(error.message).toContain(`: scheme ${new URL(url).protocol}.`);
      expect(error.message).not.toContain('plain http off this machine');
    },
  );

  it('a relative or malformed URL is CONFIG_INVALID saying it is not an absolute URL', () => {
    const error = refusal('/v1/messages');
    expect(error.code).toBe(AuthErrorCode.CONFIG_INVALID);
    expect(error.message).toContain('"/v1/messages": it is not an absolute URL');
  });
});

describe("destinationAllows: a settings file's base URL, which beats the child's environment", () => {
  const gateway = resolvedCredential('oauth', 'profile', GATEWAY);

  it('a gateway token may go to its stored base URL as the settings file spells it (a trailing slash aside)', () => {
    expect(destinationAllows(gateway, GATEWAY, GATEWAY)).toBe(true);
    expect(destinationAllows(gateway, GATEWAY, `${GATEWAY}/`)).toBe(true);
    const root = resolvedCredential('oauth', 'profile', 'https://gateway.example');
    expect(destinationAllows(root, 'https://gateway.example', 'https://gateway.example/')).toBe(
      true,
    );
  });

  it('a gateway token never goes to another host under the same path', () => {
    expect(destinationAllows(gateway, GATEWAY, 'https://attacker.example/anthropic')).toBe(false);
    expect(destinationAllows(gateway, GATEWAY, 'https://gateway.example:8443/anthropic')).toBe(
      false,
    );
  });

  it('a gateway token never goes to another path prefix of its own host', () => {
    expect(destinationAllows(gateway, GATEWAY, 'https://gateway.example/other-tenant')).toBe(false);
    expect(destinationAllows(gateway, GATEWAY, 'https://gateway.example')).toBe(false);
  });

  it('a base URL that does not parse is refused, never taken for the stored one', () => {
    expect(destinationAllows(gateway, GATEWAY, 'not a url')).toBe(false);
    expect(destinationAllows(resolvedCredential('api-key', 'option'), undefined, 'not a url')).toBe(
      false,
    );
  });

  it('a subscription token follows a settings base URL only where the call opted it in', () => {
    const subscription = resolvedCredential('claude-subscription');
    expect(destinationAllows(subscription, undefined, INHERITED)).toBe(false);
    expect(destinationAllows(subscription, GATEWAY, GATEWAY)).toBe(true);
    expect(destinationAllows(subscription, GATEWAY, INHERITED)).toBe(false);
  });

  it('an API key follows a settings base URL like an inherited one: https anywhere, plain http only on loopback', () => {
    const apiKey = resolvedCredential('api-key', 'option');
    expect(destinationAllows(apiKey, undefined, INHERITED)).toBe(true);
    expect(destinationAllows(apiKey, undefined, 'http://127.0.0.1:8080')).toBe(true);
    expect(destinationAllows(apiKey, undefined, 'http://proxy.example')).toBe(false);
    expect(destinationAllows(apiKey, undefined, 'ftp://127.0.0.1:21')).toBe(false);
  });
});
