import type { ServerResponse } from 'node:http';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { createOAuthFetch, type OAuthFetch } from '../../../src/oauth/http-client.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import {
  endpointsFromMetadata,
  resolveProviderEndpoints,
} from '../../../src/oauth/provider-endpoints.js';
import { refreshProviderToken, revokeProviderTokens } from '../../../src/oauth/provider-tokens.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { oauthToken } from '../../helpers/tokens.js';

const json = (response: ServerResponse, body: unknown, status = 200) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** A fetch that records every URL and refuses to reach anything off loopback. */
function recordingFetch(): { fetch: OAuthFetch; urls: string[] } {
  const urls: string[] = [];
  const real = createOAuthFetch();
  return {
    urls,
    fetch: async (url, init) => {
      urls.push(url);
      if (!new URL(url).hostname.startsWith('127.')) throw new Error(`left loopback: ${url}`);
      return real(url, init);
    },
  };
}

/** A provider whose metadata (at `${base}${path}/.well-known/openid-configuration`) is `metadata(base)`. */
async function metadataServer(
  metadata: (base: string) => Record<string, unknown>,
  path = '',
): Promise<string> {
  let base = '';
  base = await scriptedServer((request, response) => {
    if (request.url === `${path}/.well-known/openid-configuration`) json(response, metadata(base));
    else response.writeHead(404).end();
  });
  return base;
}

describe('endpoints judged each on its own (RFC 9700 §2.6)', () => {
  it('refuses a stored plain-http revocation endpoint off loopback beside a loopback token endpoint', async () => {
    const { fetch, urls } = recordingFetch();
    const token = oauthToken(60_000, Date.now(), {
      provider: {
        clientId: 'c',
        tokenEndpoint: 'http://127.0.0.1:9/token',
        revocationEndpoint: 'http://revoke.example/revoke',
      },
    });
    await expect(revokeProviderTokens(token, { fetch })).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      message: expect.stringContaining('http://revoke.example'),
    });
    expect(urls).toEqual([]);
  });

  it('refuses a stored plain-http token endpoint off loopback before any request', async () => {
    const { fetch, urls } = recordingFetch();
    const token = oauthToken(-1, Date.now(), {
      provider: { clientId: 'c', tokenEndpoint: 'http://idp.example/token' },
    });
    await expect(refreshProviderToken(token, { fetch })).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
    });
    expect(urls).toEqual([]);
  });

  it('echoes at most 200 characters of an unparseable stored endpoint into the message', () => {
    const huge = 'x'.repeat(100_000);
    expect(() =>
      endpointsFromMetadata({ clientId: 'c', tokenEndpoint: huge }, createOAuthFetch()),
    ).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.CONFIG_INVALID,
        message: expect.stringContaining(`token_endpoint off this machine (${'x'.repeat(200)})`),
      }),
    );
  });

  // Every endpoint field, written out (Stryker cannot mutate the module's `as const` list).
  it.each([
    'authorization_endpoint',
    'token_endpoint',
    'revocation_endpoint',
    'device_authorization_endpoint',
    'userinfo_endpoint',
  ])('refuses discovered metadata naming a plain-http %s off loopback', async (field) => {
    const base = await metadataServer((issuer) => ({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      [field]: `http://elsewhere.example/${field}`,
    }));
    const { fetch } = recordingFetch();
    await expect(
      resolveProviderEndpoints(new OAuthConfig({ clientId: 'c', issuer: base }), fetch),
    ).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
      message: expect.stringContaining(field),
    });
  });

  it('accepts metadata whose insecure endpoint the configuration overrides', async () => {
    const base = await metadataServer((issuer) => ({
      issuer,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: 'http://revoke.example/revoke',
    }));
    const endpoints = await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', issuer: base, revocationUrl: `${base}/revoke` }),
      recordingFetch().fetch,
    );
    expect(endpoints.as.revocation_endpoint).toBe(`${base}/revoke`);
  });

  it('allows plain http per request only to the loopback endpoint it is for', () => {
    const endpoints = endpointsFromMetadata(
      {
        clientId: 'c',
        tokenEndpoint: 'http://127.0.0.1:9/token',
        revocationEndpoint: 'https://idp.example/revoke',
      },
      createOAuthFetch(),
    );
    expect(endpoints.http(endpoints.as.token_endpoint)[oauth.allowInsecureRequests]).toBe(true);
    expect(
      endpoints.http(endpoints.as.revocation_endpoint)[oauth.allowInsecureRequests],
    ).toBeUndefined();
  });
});

describe('discovery', () => {
  it('refuses metadata whose issuer is not the configured one (RFC 8414 §3.3), saying so', async () => {
    const base = await metadataServer(() => ({
      issuer: 'https://attacker.example',
      authorization_endpoint: 'https://attacker.example/a',
      token_endpoint: 'https://attacker.example/t',
    }));
    const error = await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', issuer: base }),
      createOAuthFetch(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });
    expect((error as Error).message).toMatch(/"issuer" property does not match/);
  });

  it('follows a same-origin redirect to the metadata (Django OAuth Toolkit adds a trailing slash)', async () => {
    const served = await scriptedServer((request, response) => {
      if (request.url === '/o/.well-known/openid-configuration')
        response.writeHead(301, { location: '/o/.well-known/openid-configuration/' }).end();
      else if (request.url === '/o/.well-known/openid-configuration/')
        json(response, {
          issuer: `http://${request.headers.host}/o`,
          authorization_endpoint: `http://${request.headers.host}/o/authorize/`,
          token_endpoint: `http://${request.headers.host}/o/token/`,
        });
      else response.writeHead(404).end();
    });
    const endpoints = await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', issuer: `${served}/o` }),
      createOAuthFetch(),
    );
    expect(endpoints.as.token_endpoint).toBe(`${served}/o/token/`);
    expect(endpoints.metadata.issuer).toBe(`${served}/o`);
  });

  it('does not follow a redirect to another origin', async () => {
    const elsewhere = await metadataServer((issuer) => ({
      issuer,
      token_endpoint: `${issuer}/token`,
    }));
    const base = await scriptedServer((_request, response) => {
      response.writeHead(302, { location: `${elsewhere}/.well-known/openid-configuration` }).end();
    });
    await expect(
      resolveProviderEndpoints(
        new OAuthConfig({ clientId: 'c', issuer: base }),
        createOAuthFetch(),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('HTTP 302') });
  });

  it('reports every attempt when both discovery documents fail, not only the last 404', async () => {
    const base = await scriptedServer((request, response) => {
      if (request.url?.includes('openid-configuration'))
        response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>down</h1>');
      else response.writeHead(404).end();
    });
    const error = (await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', issuer: base }),
      createOAuthFetch(),
    ).catch((e: unknown) => e)) as Error & { status?: number };
    expect(error.message).toContain(`${base}/.well-known/openid-configuration`);
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain(`${base}/.well-known/oauth-authorization-server`);
    expect(error.message).toContain('HTTP 404');
    expect(error.status).toBe(500);
  });
});

describe('an issuer nobody configured', () => {
  it('is discovered from a path prefix of the authorization URL when its metadata names the configured endpoints', async () => {
    const base = await metadataServer(
      (origin) => ({
        issuer: `${origin}/realms/dev`,
        authorization_endpoint: `${origin}/realms/dev/protocol/openid-connect/auth`,
        token_endpoint: `${origin}/realms/dev/protocol/openid-connect/token`,
        authorization_response_iss_parameter_supported: true,
      }),
      '/realms/dev',
    );
    const endpoints = await resolveProviderEndpoints(
      new OAuthConfig({
        clientId: 'c',
        authorizeUrl: `${base}/realms/dev/protocol/openid-connect/auth`,
        tokenUrl: `${base}/realms/dev/protocol/openid-connect/token`,
      }),
      createOAuthFetch(),
    );
    expect(endpoints.issuer).toBe('known');
    expect(endpoints.as.issuer).toBe(`${base}/realms/dev`);
    expect(endpoints.metadata.issuer).toBe(`${base}/realms/dev`);
  });

  it('is not taken from metadata that names other endpoints, and is then neither invented nor stored', async () => {
    const base = await metadataServer((origin) => ({
      issuer: origin,
      authorization_endpoint: 'https://elsewhere.example/authorize',
      token_endpoint: 'https://elsewhere.example/token',
    }));
    const endpoints = await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', authorizeUrl: `${base}/auth`, tokenUrl: `${base}/token` }),
      createOAuthFetch(),
    );
    expect(endpoints.issuer).toBe('unknown');
    expect(endpoints.metadata.issuer).toBeUndefined();
    expect(endpoints.as.issuer).not.toContain(base);
  });

  it('is the one a previous login to the same endpoints learnt', async () => {
    const base = await scriptedServer((_request, response) => response.writeHead(404).end());
    const config = new OAuthConfig({
      clientId: 'c',
      authorizeUrl: `${base}/auth`,
      tokenUrl: `${base}/token`,
    });
    const previous = { clientId: 'c', tokenEndpoint: `${base}/token`, issuer: `${base}/api/oidc` };
    const pinned = await resolveProviderEndpoints(config, createOAuthFetch(), { previous });
    expect(pinned.as.issuer).toBe(`${base}/api/oidc`);
    const other = await resolveProviderEndpoints(config, createOAuthFetch(), {
      previous: { ...previous, tokenEndpoint: `${base}/other-token` },
    });
    expect(other.issuer).toBe('unknown');
  });
});

describe('client authentication (RFC 6749 §2.3.1)', () => {
  const metadataWith = (methods: string[] | undefined) =>
    metadataServer((issuer) => ({
      issuer,
      token_endpoint: `${issuer}/token`,
      ...(methods && { token_endpoint_auth_methods_supported: methods }),
    }));

  it.each([
    ['c', ['client_secret_post'], undefined, 'client_secret_post'],
    ['c', ['client_secret_post', 'client_secret_basic'], undefined, 'client_secret_basic'],
    ['cli-conf', ['client_secret_post', 'client_secret_basic'], undefined, 'client_secret_basic'],
    ['cli-conf', ['client_secret_basic'], undefined, 'client_secret_basic'],
    ['c', undefined, undefined, 'client_secret_basic'],
    ['cli-conf', undefined, undefined, 'client_secret_basic'],
    ['c', ['client_secret_basic'], 'client_secret_post', 'client_secret_post'],
    ['cli-conf', ['client_secret_post'], 'client_secret_basic', 'client_secret_basic'],
  ] as const)(
    'client %s, metadata %j, configured %s → %s, stored with the login',
    async (clientId, methods, configured, chosen) => {
      const base = await metadataWith(methods as string[] | undefined);
      const endpoints = await resolveProviderEndpoints(
        new OAuthConfig({
          clientId,
          clientSecret: 'aclientsecret1234',
          issuer: base,
          ...(configured !== undefined && { tokenEndpointAuthMethod: configured }),
        }),
        createOAuthFetch(),
      );
      expect(endpoints.metadata.tokenEndpointAuthMethod).toBe(chosen);
    },
  );

  it('form-encodes Basic credentials as RFC 6749 §2.3.1 says: `-`, `.`, `_` and `*` stay, others are percent-encoded', async () => {
    const headers: string[] = [];
    const base = await scriptedServer((request, response) => {
      headers.push(request.headers.authorization ?? '');
      request.resume();
      json(response, { access_token: 'new-at-123456', token_type: 'bearer', expires_in: 60 });
    });
    const token = oauthToken(-1, Date.now(), {
      provider: {
        clientId: 'cli-conf.v2_x*',
        clientSecret: 'a-secret_with:colon ~!',
        tokenEndpoint: `${base}/token`,
        tokenEndpointAuthMethod: 'client_secret_basic',
      },
    });
    await refreshProviderToken(token);
    const decoded = Buffer.from((headers[0] ?? '').replace(/^Basic /, ''), 'base64').toString();
    expect(decoded).toBe('cli-conf.v2_x*:a-secret_with%3Acolon+%7E%21');
  });

  it('keeps Basic for a base64url secret (its `-`/`_` would be encoded): only the client id decides', async () => {
    const base = await metadataWith(['client_secret_post', 'client_secret_basic']);
    const endpoints = await resolveProviderEndpoints(
      new OAuthConfig({ clientId: 'c', clientSecret: 'a-secret_with-dashes', issuer: base }),
      createOAuthFetch(),
    );
    expect(endpoints.metadata.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });

  it('refreshes with the stored method: client_secret_post puts the id and secret in the body, no Basic header', async () => {
    const seen: { authorization?: string; body: string }[] = [];
    const base = await scriptedServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({
          body,
          ...(request.headers.authorization && { authorization: request.headers.authorization }),
        });
        json(response, { access_token: 'new-at-123456', token_type: 'bearer', expires_in: 60 });
      });
    });
    const token = oauthToken(-1, Date.now(), {
      provider: {
        clientId: 'cli-conf',
        clientSecret: 'a-client-secret-1234',
        tokenEndpoint: `${base}/token`,
        tokenEndpointAuthMethod: 'client_secret_post',
      },
    });
    await refreshProviderToken(token);
    const form = new URLSearchParams(seen[0]?.body);
    expect(seen[0]?.authorization).toBeUndefined();
    expect(form.get('client_id')).toBe('cli-conf');
    expect(form.get('client_secret')).toBe('a-client-secret-1234');
  });

  it.each([
    [undefined, 2],
    [['client_secret_basic', 'client_secret_post'], 2],
    [['client_secret_basic'], 1],
  ] as const)(
    'after invalid_client, retries with the other secret method unless the stored metadata (%j) excludes it: %i request(s)',
    async (supported, requests) => {
      const seen: { authorization?: string; form: URLSearchParams }[] = [];
      const base = await scriptedServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => {
          body += chunk;
        });
        request.on('end', () => {
          seen.push({
            form: new URLSearchParams(body),
            ...(request.headers.authorization && { authorization: request.headers.authorization }),
          });
          response
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: 'invalid_client' }));
        });
      });
      const token = oauthToken(-1, Date.now(), {
        provider: {
          clientId: 'c',
          clientSecret: 'a-client-secret-1234',
          tokenEndpoint: `${base}/token`,
          tokenEndpointAuthMethod: 'client_secret_basic',
          ...(supported !== undefined && { tokenEndpointAuthMethodsSupported: supported }),
        },
      });
      const error = await refreshProviderToken(token).catch((e: unknown) => e);
      expect(error).toMatchObject({
        oauthError: { error: 'invalid_client' },
        fix: expect.stringContaining('CLAUDE_OAUTH_TOKEN_AUTH_METHOD'),
      });
      expect(seen).toHaveLength(requests);
      expect(seen[0]?.authorization).toMatch(/^Basic /);
      if (requests === 2) {
        expect(seen[1]?.authorization).toBeUndefined();
        expect(seen[1]?.form.get('client_secret')).toBe('a-client-secret-1234');
      }
    },
  );

  it('reads CLAUDE_OAUTH_TOKEN_AUTH_METHOD, and refuses an unknown method or one that contradicts the secret', () => {
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: 'c',
      CLAUDE_OAUTH_TOKEN_URL: 'https://idp.example/token',
      CLAUDE_OAUTH_CLIENT_SECRET: 's3cret-value',
    };
    expect(
      OAuthConfig.fromEnv({ ...env, CLAUDE_OAUTH_TOKEN_AUTH_METHOD: 'client_secret_post' })
        ?.tokenEndpointAuthMethod,
    ).toBe('client_secret_post');
    for (const [value, secret] of [
      ['private_key_jwt', 's3cret-value'],
      ['none', 's3cret-value'],
      ['client_secret_basic', ''],
    ] as const)
      expect(() =>
        OAuthConfig.fromEnv({
          ...env,
          CLAUDE_OAUTH_CLIENT_SECRET: secret,
          CLAUDE_OAUTH_TOKEN_AUTH_METHOD: value,
        }),
      ).toThrow(
        expect.objectContaining({
          code: AuthErrorCode.CONFIG_INVALID,
          message: expect.stringContaining('CLAUDE_OAUTH_TOKEN_AUTH_METHOD'),
        }),
      );
  });
});
