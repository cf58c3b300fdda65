import { Console } from 'node:console';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  EDDSA_CLIENT_ID,
  OidcServer,
  type OidcServerOptions,
  POST_CLIENT_ID,
} from '../../../fixtures/oidc-server.js';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { capturedOutput, freshStorage, nativeConfig } from '../../helpers/oauth-fixture.js';
import { flowWithoutBrowser } from '../../helpers/oidc-without-browser.js';

/**
 * What widely used servers do differently from oidc-provider, shown with
 * oidc-provider configured (or its responses changed) to do the same: the
 * engine must follow the standards and the server's metadata, never a
 * particular server.
 */
const servers: OidcServer[] = [];
async function startServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const server = await OidcServer.start(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Everything `console.error(error)`, `util.inspect` and `JSON.stringify` show of an error. */
function printed(error: unknown): string {
  const output = capturedOutput();
  new Console({ stdout: output.stream, stderr: output.stream }).error(error);
  return [
    output.text(),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(error),
  ].join('\n');
}

describe('refresh remembers what discovery said', () => {
  it('accepts a refreshed EdDSA ID token as the login did: the metadata is stored with the login', async () => {
    const server = await startServer();
    const { flow } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, { clientId: EDDSA_CLIENT_ID }),
    );
    const storage = await freshStorage();
    await storage.saveToken(await flow.login());
    const stored = (await storage.loadToken()) ?? expect.unreachable();
    expect(stored.provider?.idTokenSigningAlgValuesSupported).toContain('EdDSA');

    const refreshed = await refreshProviderToken(stored);
    expect(refreshed.idToken?.split('.')[0]).toBeDefined();
    expect(
      JSON.parse(Buffer.from(refreshed.idToken?.split('.')[0] ?? '', 'base64url').toString()),
    ).toMatchObject({ alg: 'EdDSA' });
    expect((await server.introspect(refreshed.accessToken)).active).toBe(true);
  });
});

describe('a plain OAuth 2.0 server (RFC 8414 metadata only, no ID tokens)', () => {
  const OIDC_ONLY = [
    'userinfo_endpoint',
    'id_token_signing_alg_values_supported',
    'claims_supported',
    'subject_types_supported',
    'claims_parameter_supported',
  ];
  const plainOAuth = (): Promise<OidcServer> =>
    startServer({
      hiddenPaths: ['/.well-known/openid-configuration'],
      rewrite: (path, body) => {
        if (path === '/.well-known/oauth-authorization-server')
          return Object.fromEntries(
            Object.entries(body)
              .filter(([key]) => !OIDC_ONLY.includes(key))
              .map(([key, value]) =>
                key === 'scopes_supported' && Array.isArray(value)
                  ? [key, value.filter((scope) => scope !== 'openid')]
                  : [key, value],
              ),
          );
        if (path === '/token') {
          const { id_token: _dropped, ...rest } = body;
          return rest;
        }
        return body;
      },
    });

  it('is asked for no openid scope and no ID token by default, and the login succeeds', async () => {
    const server = await plainOAuth();
    const { flow, opened } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, { scopes: undefined }),
    );
    const token = await flow.login();
    const scope = opened[0]?.searchParams.get('scope')?.split(' ') ?? [];
    expect(scope).not.toContain('openid');
    expect(scope).toContain('offline_access');
    expect(opened[0]?.searchParams.has('nonce')).toBe(false);
    expect(token.idToken).toBeUndefined();
    expect(token.refreshToken).toBeDefined();
    expect((await server.introspect(token.accessToken)).active).toBe(true);
  });

  it('of an OpenID Provider, asks for openid by default and requires its ID token', async () => {
    const server = await startServer();
    const { flow, opened } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, { scopes: undefined }),
    );
    const token = await flow.login();
    expect(opened[0]?.searchParams.get('scope')).toBe('openid offline_access');
    expect(opened[0]?.searchParams.get('nonce')).toBeTruthy();
    expect(token.account?.subject).toBe('alice');
  });
});

describe('token responses outside RFC 6749 §5.1 in harmless and in unusable ways', () => {
  const withTokenResponse = (change: (body: Record<string, unknown>) => Record<string, unknown>) =>
    startServer({ rewrite: (path, body) => (path === '/token' ? change(body) : body) });

  it('takes a missing token_type as Bearer, at login and at refresh', async () => {
    const server = await withTokenResponse(({ token_type: _omitted, ...rest }) => rest);
    const { flow } = flowWithoutBrowser(server);
    const token = await flow.login();
    expect(token.tokenType).toBe('Bearer');
    const refreshed = await refreshProviderToken(token);
    expect(refreshed.tokenType).toBe('Bearer');
    expect((await server.introspect(refreshed.accessToken)).active).toBe(true);
  });

  it('refuses a DPoP token with what to do, keeping the tokens out of the error', async () => {
    let issued = '';
    const server = await withTokenResponse((body) => {
      issued = String(body.access_token);
      return { ...body, token_type: 'DPoP' };
    });
    const { flow } = flowWithoutBrowser(server);
    const error = await flow.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
      message: expect.stringMatching(/"DPoP" token.*only Bearer/),
      fix: expect.stringMatching(/administrator.*Bearer/),
    });
    expect(printed(error)).not.toContain(issued);
  });

  it('keeps an ID token that is not a JWT out of console.error and util.inspect of the refusal', async () => {
    const opaque = 'opaque-id-token-that-is-not-a-jwt-5183';
    const server = await withTokenResponse((body) => ({ ...body, id_token: opaque }));
    const { flow } = flowWithoutBrowser(server);
    const error = await flow.login().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });
    const shown = printed(error);
    expect(shown).toMatch(/JWT/);
    expect(shown).not.toContain(opaque);
  });
});

describe('client authentication from the metadata and the server’s answer (RFC 6749 §2.3.1)', () => {
  it('uses Basic for a hyphenated client id registered for client_secret_basic: no guess from the id', async () => {
    const server = await startServer();
    const { flow, tokenRequests, tokenAuthorizations } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, {
        clientId: CONFIDENTIAL_CLIENT_ID,
        clientSecret: CONFIDENTIAL_CLIENT_SECRET,
      }),
    );
    const token = await flow.login();
    expect(tokenRequests).toHaveLength(1);
    expect(tokenAuthorizations[0]).toMatch(/^Basic /);
    expect(token.provider?.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });

  it('retries once with client_secret_post when Basic is refused, remembers it, and refreshes with it directly', async () => {
    const server = await startServer({ enforcePostClientMethod: true });
    const { flow, fetch, tokenRequests, tokenAuthorizations } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, {
        clientId: POST_CLIENT_ID,
        clientSecret: CONFIDENTIAL_CLIENT_SECRET,
        tokenEndpointAuthMethod: 'client_secret_basic',
      }),
    );
    const token = await flow.login();
    expect(tokenRequests).toHaveLength(2);
    expect(tokenAuthorizations[0]).toMatch(/^Basic /);
    expect(tokenRequests[1]?.get('client_secret')).toBe(CONFIDENTIAL_CLIENT_SECRET);
    expect(token.provider?.tokenEndpointAuthMethod).toBe('client_secret_post');

    const refreshed = await refreshProviderToken(token, { fetch });
    expect(tokenRequests).toHaveLength(3);
    expect(tokenAuthorizations[2]).toBeNull();
    expect((await server.introspect(refreshed.accessToken)).active).toBe(true);
  });

  it('names CLAUDE_OAUTH_TOKEN_AUTH_METHOD when the server refuses both methods', async () => {
    const server = await startServer();
    const { flow, tokenRequests } = flowWithoutBrowser(
      server,
      undefined,
      nativeConfig(server, {
        clientId: CONFIDENTIAL_CLIENT_ID,
        clientSecret: 'a-wrong-secret-1234',
      }),
    );
    const error = await flow.login().catch((e: unknown) => e);
    expect(tokenRequests).toHaveLength(2);
    expect(error).toMatchObject({
      code: AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      oauthError: { error: 'invalid_client' },
      fix: expect.stringContaining('CLAUDE_OAUTH_TOKEN_AUTH_METHOD'),
    });
  });
});
