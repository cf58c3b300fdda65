import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { DEFAULT_REDIRECT_URI, OAuthConfig } from '../../../src/oauth/oauth-config.js';

const base = {
  clientId: 'cli',
  authorizeUrl: 'https://idp.example/authorize',
  tokenUrl: 'https://idp.example/token',
};

describe('OAuthConfig', () => {
  it("defaults the redirect URI to the guide's and requests no scope without an issuer", () => {
    const config = new OAuthConfig(base);
    expect(config.redirectUri.href).toBe(DEFAULT_REDIRECT_URI);
    expect(config.scopes).toEqual([]);
  });

  it('requests openid and offline_access by default with an issuer', () => {
    expect(new OAuthConfig({ clientId: 'cli', issuer: 'https://idp.example' }).scopes).toEqual([
      'openid',
      'offline_access',
    ]);
  });

  it.each([
    [{ ...base, clientId: '' }, 'clientId'],
    [{ ...base, tokenUrl: 'not a url' }, 'tokenUrl'],
    [{ ...base, tokenUrl: 'http://idp.example/token' }, 'tokenUrl'],
    [{ ...base, authorizeUrl: 'ftp://idp.example/a' }, 'authorizeUrl'],
    [{ ...base, tokenUrl: 'https://idp.example/token#frag' }, 'tokenUrl'],
    [{ ...base, redirectUri: 'https://app.example/callback' }, 'redirectUri'],
    [{ ...base, redirectUri: 'http://0.0.0.0:8089/callback' }, 'redirectUri'],
    [{ ...base, redirectUri: 'http://localhost:8089/callback?x=1' }, 'redirectUri'],
    [{ clientId: 'cli', authorizeUrl: 'https://idp.example/authorize' }, 'tokenUrl'],
    [{ ...base, apiBaseUrl: 'http://gateway.example' }, 'apiBaseUrl'],
  ])('refuses %j as CONFIG_INVALID naming %s', (init, field) => {
    expect(() => new OAuthConfig(init)).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        message: expect.stringContaining(field),
      }),
    );
  });

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
