import { describe, expect, it } from 'vitest';
import { AuthErrorCode, isAuthenticationError } from '../../../src/errors/authentication-error.js';
import { AuthToken } from '../../../src/token/auth-token.js';
import {
  parseTokenFile,
  serializeTokenFile,
  TOKEN_FILE_VERSION,
} from '../../../src/token/token-file-format.js';
import { oauthToken } from '../../helpers/tokens.js';

const PATH = '/somewhere/tokens.json';

function parseError(text: string): unknown {
  try {
    parseTokenFile(text, PATH);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseTokenFile to throw');
}

describe('token file format', () => {
  it('round-trips every field', () => {
    const token = oauthToken(3_600_000, Date.parse('2026-05-01T00:00:00Z'), {
      idToken: 'id-token',
      reauthRequired: true,
      provider: {
        clientId: 'c',
        clientSecret: 's',
        tokenEndpoint: 'https://idp.example/token',
        issuer: 'https://idp.example',
        revocationEndpoint: 'https://idp.example/revoke',
        apiBaseUrl: 'https://gw.example',
        tokenEndpointAuthMethod: 'client_secret_post',
      },
    });
    const again = parseTokenFile(serializeTokenFile(token), PATH);
    expect(again.toInit()).toEqual(token.toInit());
  });

  it('writes a versioned document', () => {
    const data = JSON.parse(serializeTokenFile(oauthToken(1000)));
    expect(data.version).toBe(TOKEN_FILE_VERSION);
    expect(typeof data.expiresAt).toBe('string');
  });

  it('keeps fields it does not know through a rewrite', () => {
    const data = JSON.parse(serializeTokenFile(oauthToken(1000)));
    data.futureField = { nested: [1, 2] };
    const rewritten = JSON.parse(serializeTokenFile(parseTokenFile(JSON.stringify(data), PATH)));
    expect(rewritten.futureField).toEqual({ nested: [1, 2] });
  });

  it('keeps fields it does not know inside provider and account through a rewrite', () => {
    const data = JSON.parse(serializeTokenFile(oauthToken(1000)));
    data.provider.futureAudience = 'https://api.example';
    data.account = { ...data.account, futureTenant: { id: 7 } };
    const token = parseTokenFile(JSON.stringify(data), PATH);
    const rewritten = JSON.parse(serializeTokenFile(token));
    expect(rewritten.provider.futureAudience).toBe('https://api.example');
    expect(rewritten.provider.clientId).toBe(data.provider.clientId);
    expect(rewritten.account.futureTenant).toEqual({ id: 7 });
    // Without its record, a nested unknown field is dropped rather than left as a broken record.
    const { provider: _dropped, ...withoutProviderInit } = token.toInit();
    const withoutProvider = JSON.parse(serializeTokenFile(new AuthToken(withoutProviderInit)));
    expect(withoutProvider.provider).toBeUndefined();
  });

  const valid = JSON.parse(serializeTokenFile(oauthToken(1000)));
  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['truncated', serializeTokenFile(oauthToken(1000)).slice(0, 40)],
    ['not JSON', 'access_token=abc'],
    ['an array', '[]'],
    ['null', 'null'],
    ['no version', JSON.stringify({ ...valid, version: undefined })],
    ['a string version', JSON.stringify({ ...valid, version: '1' })],
    ['no access token', JSON.stringify({ ...valid, accessToken: undefined })],
    ['a numeric access token', JSON.stringify({ ...valid, accessToken: 42 })],
    ['an unknown kind', JSON.stringify({ ...valid, kind: 'magic' })],
    ['a bad expiry', JSON.stringify({ ...valid, expiresAt: 'soon' })],
    ['scopes of numbers', JSON.stringify({ ...valid, scopes: [1] })],
    [
      'a provider without client id',
      JSON.stringify({ ...valid, provider: { tokenEndpoint: 'x' } }),
    ],
    ['a string account', JSON.stringify({ ...valid, account: 'me' })],
    [
      'an unknown client authentication method',
      JSON.stringify({
        ...valid,
        provider: { ...valid.provider, tokenEndpointAuthMethod: 'private_key_jwt' },
      }),
    ],
  ])('refuses a file that is %s as STORAGE_CORRUPT naming the file', (_name, text) => {
    const error = parseError(text);
    expect(isAuthenticationError(error, AuthErrorCode.STORAGE_CORRUPT)).toBe(true);
    expect((error as Error).message).toContain(PATH);
    expect((error as Error).message).not.toContain(valid.accessToken);
  });

  it('refuses a newer format with its own code and an upgrade fix', () => {
    const error = parseError(JSON.stringify({ ...valid, version: TOKEN_FILE_VERSION + 1 }));
    expect(isAuthenticationError(error, AuthErrorCode.STORAGE_VERSION_UNSUPPORTED)).toBe(true);
    expect((error as { fix?: string }).fix).toContain('npm install');
  });
});

describe('MCP logins in the token file', () => {
  it('keeps the resource, the registration and the MCP server through a round trip', () => {
    const token = oauthToken(60_000).with({
      provider: {
        clientId: 'dyn-1',
        tokenEndpoint: 'https://as.example/token',
        resource: 'https://mcp.example/mcp',
        registration: 'dynamic',
      },
      mcpServer: { name: 'docs', url: 'https://mcp.example/mcp' },
    });
    const read = parseTokenFile(serializeTokenFile(token), PATH);
    expect(read.provider).toMatchObject({
      resource: 'https://mcp.example/mcp',
      registration: 'dynamic',
    });
    expect(read.mcpServer).toEqual({ name: 'docs', url: 'https://mcp.example/mcp' });
    expect(read.unknownFields).toEqual({});
  });

  it('refuses a registration it does not know', () => {
    const text = serializeTokenFile(
      oauthToken(60_000).with({
        provider: { clientId: 'c', tokenEndpoint: 'https://as.example/token' },
      }),
    ).replace('"clientId": "c"', '"clientId": "c", "registration": "guessed"');
    expect(isAuthenticationError(parseError(text), AuthErrorCode.STORAGE_CORRUPT)).toBe(true);
  });
});

describe('machine grants in the token file', () => {
  const grantToken = (grant: Record<string, unknown>) =>
    oauthToken(60_000, Date.now(), {
      refreshToken: undefined,
      provider: {
        clientId: 'ci-runner',
        tokenEndpoint: 'https://as.example/token',
        tokenEndpointAuthMethod: 'client_secret_post',
      },
      grant: grant as never,
    });

  it('keeps the grant and where its secrets come from through a round trip, never a secret', () => {
    const token = grantToken({
      type: 'token-exchange',
      clientSecret: { env: 'CLAUDE_OAUTH_CLIENT_SECRET' },
      subjectToken: { file: '/var/run/ci/id-token' },
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      audience: 'https://gateway.example',
      scopes: ['claude'],
    });
    const text = serializeTokenFile(token);
    const read = parseTokenFile(text, PATH);
    expect(read.grant).toEqual(token.grant);
    expect(read.refreshToken).toBeUndefined();
    expect(JSON.parse(text).provider.clientSecret).toBeUndefined();
  });

  it('is read by a version that does not know it as an unknown field, and written back', () => {
    const data = JSON.parse(
      serializeTokenFile(grantToken({ type: 'client_credentials', clientSecret: { env: 'S' } })),
    );
    // What an older reader sees: a top-level field it does not know (see KNOWN_FIELDS).
    const olderView = { ...data, grant: undefined, futureGrant: data.grant };
    const rewritten = JSON.parse(
      serializeTokenFile(parseTokenFile(JSON.stringify(olderView), PATH)),
    );
    expect(rewritten.futureGrant).toEqual(data.grant);
  });

  it('refuses a grant type it does not know, and a source that names nothing', () => {
    const text = (grant: unknown) =>
      JSON.stringify({ ...JSON.parse(serializeTokenFile(oauthToken(60_000))), grant });
    for (const grant of [
      { type: 'password' },
      { type: 'client_credentials', clientSecret: {} },
      { type: 'client_credentials', clientSecret: 'the-secret-itself' },
    ])
      expect(
        isAuthenticationError(parseError(text(grant)), AuthErrorCode.STORAGE_CORRUPT),
        JSON.stringify(grant),
      ).toBe(true);
  });
});
