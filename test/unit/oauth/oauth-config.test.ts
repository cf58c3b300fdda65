import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { DEFAULT_REDIRECT_URI, OAuthConfig } from '../../../src/oauth/oauth-config.js';

const base = {
  clientId: 'cli',
  authorizeUrl: 'https://idp.example/authorize',
  tokenUrl: 'https://idp.example/token',
};

describe('OAuthConfig', () => {
  it("defaults the redirect URI to the guide's, and leaves unconfigured scopes to the provider's metadata", () => {
    const config = new OAuthConfig(base);
    expect(config.redirectUri.href).toBe(DEFAULT_REDIRECT_URI);
    expect(config.scopes).toBeUndefined();
    expect(
      new OAuthConfig({ clientId: 'cli', issuer: 'https://idp.example' }).scopes,
    ).toBeUndefined();
  });

  it('keeps configured scopes as given, an empty list included', () => {
    expect(new OAuthConfig({ ...base, scopes: ['openid', 'api'] }).scopes).toEqual([
      'openid',
      'api',
    ]);
    expect(new OAuthConfig({ ...base, scopes: [] }).scopes).toEqual([]);
  });

  it.each([
    [{ ...base, clientId: '' }, 'clientId', 'is missing'],
    [{ ...base, tokenUrl: 'not a url' }, 'tokenUrl', 'is not a URL: "not a url"'],
    [
      { ...base, tokenUrl: 'http://idp.example/token' },
      'tokenUrl',
      'must use https (http is allowed only for localhost): "http://idp.example"',
    ],
    [{ ...base, authorizeUrl: 'ftp://idp.example/a' }, 'authorizeUrl', 'must use https'],
    [
      { ...base, tokenUrl: 'https://idp.example/token#frag' },
      'tokenUrl',
      'must not contain a fragment',
    ],
    [{ ...base, redirectUri: 'not a url' }, 'redirectUri', 'is not a URL: "not a url"'],
    [
      { ...base, redirectUri: 'https://app.example/callback' },
      'redirectUri',
      'must be a loopback http URL',
    ],
    [
      { ...base, redirectUri: 'http://0.0.0.0:8089/callback' },
      'redirectUri',
      'must be a loopback http URL',
    ],
    // On a loopback host only the scheme is wrong: the browser would be sent to https
    // (or elsewhere) where the listener, plain http, cannot answer (RFC 8252 §7.3).
    [
      { ...base, redirectUri: 'https://127.0.0.1:8089/callback' },
      'redirectUri',
      'must be a loopback http URL such as http://localhost:8089/callback (RFC 8252 §7.3)',
    ],
    [
      { ...base, redirectUri: 'ws://localhost:8089/callback' },
      'redirectUri',
      'must be a loopback http URL',
    ],
    [
      { ...base, redirectUri: 'http://localhost:8089/callback?x=1' },
      'redirectUri',
      'must not contain a query or fragment',
    ],
    [
      { ...base, redirectUri: 'http://localhost:8089/callback#x' },
      'redirectUri',
      'must not contain a query or fragment',
    ],
    // Empty, but a query and a fragment all the same (URL reports both as '').
    [
      { ...base, redirectUri: 'http://localhost:8089/callback?' },
      'redirectUri',
      'must not contain a query or fragment',
    ],
    [
      { ...base, redirectUri: 'http://localhost:8089/callback#' },
      'redirectUri',
      'must not contain a query or fragment',
    ],
    [{ clientId: 'cli', authorizeUrl: 'https://idp.example/authorize' }, 'tokenUrl', 'is missing'],
    [{ ...base, apiBaseUrl: 'http://gateway.example' }, 'apiBaseUrl', 'must use https'],
  ])('refuses %j as CONFIG_INVALID naming %s and saying it %s', (init, field, problem) => {
    expect(() => new OAuthConfig(init)).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        message: expect.stringContaining(`OAuth setting ${field} ${problem}`),
      }),
    );
  });

  it.each(['tokenUrl', 'redirectUri'] as const)(
    'echoes at most 200 characters of an unparseable %s into the message',
    (field) => {
      const huge = 'x'.repeat(100_000);
      expect(() => new OAuthConfig({ ...base, [field]: huge })).toThrow(
        expect.objectContaining({
          code: AuthErrorCode.CONFIG_INVALID,
          message: expect.stringContaining(
            `OAuth setting ${field} is not a URL: "${'x'.repeat(200)}"`,
          ),
        }),
      );
    },
  );

  it('allows http only on loopback, including 127.0.0.0/8 and [::1]', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]']) {
      expect(
        new OAuthConfig({ ...base, tokenUrl: `http://${host}:9000/token` }).tokenUrl?.hostname,
      ).toBe(host);
    }
  });

  it("reads the guide's environment variables and the documented extras", () => {
    const config = OAuthConfig.fromEnv({
      CLAUDE_OAUTH_CLIENT_ID: 'env-client',
      CLAUDE_OAUTH_CLIENT_SECRET: 'env-secret',
      CLAUDE_OAUTH_REDIRECT_URI: 'http://127.0.0.1:0/cb',
      CLAUDE_OAUTH_AUTHORIZE_URL: 'https://idp.example/authorize',
      CLAUDE_OAUTH_TOKEN_URL: 'https://idp.example/token',
      CLAUDE_OAUTH_SCOPES: 'openid  email',
      CLAUDE_OAUTH_REVOCATION_URL: 'https://idp.example/revoke',
      CLAUDE_OAUTH_API_BASE_URL: 'https://gateway.example/anthropic',
    });
    expect(config).toMatchObject({
      clientId: 'env-client',
      clientSecret: 'env-secret',
      scopes: ['openid', 'email'],
    });
    expect(config?.redirectUri.href).toBe('http://127.0.0.1:0/cb');
    expect(config?.revocationUrl?.href).toBe('https://idp.example/revoke');
    expect(config?.apiBaseUrl?.href).toBe('https://gateway.example/anthropic');
  });

  it('returns undefined when nothing is configured, and names the variable when something is wrong', () => {
    expect(OAuthConfig.fromEnv({ UNRELATED: '1' })).toBeUndefined();
    expect(() =>
      OAuthConfig.fromEnv({ CLAUDE_OAUTH_TOKEN_URL: 'https://idp.example/token' }),
    ).toThrow(/CLAUDE_OAUTH_CLIENT_ID/);
    expect(() =>
      OAuthConfig.fromEnv({ CLAUDE_OAUTH_CLIENT_ID: 'c', CLAUDE_OAUTH_TOKEN_URL: 'nope' }),
    ).toThrow(/CLAUDE_OAUTH_TOKEN_URL/);
  });
});

describe('OAuthConfig never prints its client secret (issue 19 defect 17)', () => {
  const secret = 'client-secret-value-1234';
  const config = new OAuthConfig({ ...base, clientSecret: secret });

  it('redacts it in util.inspect, console.log and JSON.stringify, keeping the rest', () => {
    for (const printed of [inspect(config), format('%o', config), JSON.stringify(config)]) {
      expect(printed).not.toContain(secret);
      expect(printed).toContain('[REDACTED]');
      expect(printed).toContain('https://idp.example/token');
    }
    expect(JSON.parse(JSON.stringify(config))).toMatchObject({
      clientId: 'cli',
      clientSecret: '[REDACTED]',
      tokenUrl: 'https://idp.example/token',
    });
  });

  it('shows no secret marker for a public client, and the secret stays readable to code', () => {
    expect(JSON.stringify(new OAuthConfig(base))).not.toContain('clientSecret');
    expect(config.clientSecret).toBe(secret);
  });
});
