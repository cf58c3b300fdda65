import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { oauthToken } from '../../helpers/tokens.js';

const CLIENT_ID = 'cli-app';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned-looking ID token: oauth4webapi checks claims, not the signature, of a token from the token endpoint. */
function idToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'user-1', aud: CLIENT_ID, iat: now, exp: now + 300, ...claims })}.c2lnbmF0dXJl`;
}

interface ScriptedProvider {
  base: string;
  tokenRequests: URLSearchParams[];
}

/**
 * A provider on 127.0.0.1: optional discovery metadata at the origin, and a
 * token endpoint answering with `tokenBody(base, request form)`.
 */
async function scriptedProvider(options: {
  metadata?: (base: string) => Record<string, unknown>;
  tokenBody: (base: string, form: URLSearchParams) => Record<string, unknown>;
}): Promise<ScriptedProvider> {
  const tokenRequests: URLSearchParams[] = [];
  const provider: ScriptedProvider = { base: '', tokenRequests };
  const send = (response: ServerResponse, body: unknown) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  provider.base = await scriptedServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration' && options.metadata) {
      send(response, options.metadata(provider.base));
      return;
    }
    if (request.url !== '/token') {
      response.writeHead(404).end();
      return;
    }
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const form = new URLSearchParams(body);
      tokenRequests.push(form);
      send(response, options.tokenBody(provider.base, form));
    });
  });
  return provider;
}

/** A flow whose "browser" sends the listener `params(authorization URL)` with this login's state. */
function flowAnswering(
  config: OAuthConfig,
  params: (authorizationUrl: URL) => Record<string, string>,
  opened: URL[] = [],
) {
  return new OAuthFlow(config, {
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      const request = new URL(url);
      opened.push(request);
      const callback = new URL(request.searchParams.get('redirect_uri') as string);
      for (const [key, value] of Object.entries({
        ...params(request),
        state: request.searchParams.get('state') as string,
      }))
        callback.searchParams.set(key, value);
      void fetch(callback, { redirect: 'manual' });
      return true;
    },
  });
}

const tokens = (extra: Record<string, unknown> = {}) => ({
  access_token: 'access-token-123456',
  token_type: 'bearer',
  expires_in: 300,
  ...extra,
});

const explicit = (base: string, scopes: string[] = []) =>
  new OAuthConfig({
    clientId: CLIENT_ID,
    authorizeUrl: `${base}/api/oidc/auth`,
    tokenUrl: `${base}/token`,
    redirectUri: 'http://127.0.0.1:0/cb',
    scopes,
  });

describe('RFC 9207 issuer identification', () => {
  // The last case: learning is only for an issuer nobody named, so an `iss` on the
  // authorization endpoint's own origin must not replace the discovered one.
  it.each([
    ['advertises', true, () => 'https://attacker.example'],
    ['does not advertise', false, () => 'https://attacker.example'],
    ['advertises', true, (base: string) => `${base}/other-tenant`],
  ])(
    'refuses a response whose iss is not the discovered issuer when the server %s RFC 9207, without calling the token endpoint',
    async (_name, advertised, iss) => {
      const provider = await scriptedProvider({
        metadata: (base) => ({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          ...(advertised && { authorization_response_iss_parameter_supported: true }),
        }),
        tokenBody: () => tokens(),
      });
      const config = new OAuthConfig({
        clientId: CLIENT_ID,
        issuer: provider.base,
        redirectUri: 'http://127.0.0.1:0/cb',
        scopes: [],
      });
      const error = await flowAnswering(config, () => ({
        code: 'code-1234',
        iss: iss(provider.base),
      }))
        .login()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
      expect(provider.tokenRequests).toHaveLength(0);
    },
  );

  // The boundary: a code with this login's state after `#` still carries no `iss`.
  it.each([
    ['only the code', (_state: string) => 'pasted-code-1234'],
    ['the code and this login’s state', (state: string) => `pasted-code-1234#${state}`],
  ])(
    'asks for the whole redirect URL when %s is pasted, then completes with it',
    async (_name, pasted) => {
      const provider = await scriptedProvider({
        metadata: (base) => ({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          authorization_response_iss_parameter_supported: true,
        }),
        tokenBody: () => tokens(),
      });
      const input = new PassThrough();
      const output = capturedOutput();
      const flow = new OAuthFlow(
        new OAuthConfig({
          clientId: CLIENT_ID,
          issuer: provider.base,
          redirectUri: 'http://127.0.0.1:0/cb',
          scopes: [],
        }),
        { input, output: output.stream, openBrowser: async () => false },
      );
      let authorizationUrl: URL | undefined;
      const login = flow.login({
        onAuthorizationUrl: (url) => {
          authorizationUrl = new URL(url);
        },
      });
      await expect.poll(() => output.text()).toContain('paste the whole URL');
      input.write(`${pasted(authorizationUrl?.searchParams.get('state') as string)}\n`);
      await expect.poll(() => output.text()).toContain("from the browser's address bar");
      expect(provider.tokenRequests).toHaveLength(0);
      const redirect = new URL(authorizationUrl?.searchParams.get('redirect_uri') as string);
      redirect.searchParams.set('code', 'pasted-code-1234');
      redirect.searchParams.set('state', authorizationUrl?.searchParams.get('state') as string);
      redirect.searchParams.set('iss', provider.base);
      input.write(`${redirect.href}\n`);
      const token = await login;
      expect(token.accessToken).toBe('access-token-123456');
      expect(provider.tokenRequests[0]?.get('code')).toBe('pasted-code-1234');
    },
  );
});

describe('an issuer learnt from the login (no CLAUDE_OAUTH_ISSUER, no metadata)', () => {
  it('accepts a path issuer stated by iss and confirmed by the ID token, and stores it', async () => {
    const provider = await scriptedProvider({
      tokenBody: (base) => tokens({ id_token: idToken({ iss: `${base}/api/oidc` }) }),
    });
    const token = await flowAnswering(explicit(provider.base), () => ({
      code: 'code-1234',
      iss: `${provider.base}/api/oidc`,
    })).login();
    expect(token.provider?.issuer).toBe(`${provider.base}/api/oidc`);
    expect(token.account?.subject).toBe('user-1');
  });

  it('learns it from the ID token when the response has no iss', async () => {
    const provider = await scriptedProvider({
      tokenBody: (base) => tokens({ id_token: idToken({ iss: `${base}/o` }) }),
    });
    const token = await flowAnswering(explicit(provider.base), () => ({ code: 'c-1234' })).login();
    expect(token.provider?.issuer).toBe(`${provider.base}/o`);
  });

  it('refuses an ID token whose issuer is not the one the response stated, naming no issuer in the fix', async () => {
    const provider = await scriptedProvider({
      tokenBody: () => tokens({ id_token: idToken({ iss: 'https://other.example' }) }),
    });
    const error = await flowAnswering(explicit(provider.base), () => ({
      code: 'code-1234',
      iss: `${provider.base}/api/oidc`,
    }))
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
    expect((error as Error).message).not.toMatch(/https?:\/\//);
  });

  // Learnt only from an iss on exactly the authorization endpoint's origin: one that merely
  // starts with it (here a userinfo part, so the host is another) is never learnt, and
  // oauth4webapi then refuses it before the code is sent anywhere.
  it.each([
    [
      'starts with its origin but names another host',
      (base: string) => `${base}@attacker.example/`,
    ],
    ['is its origin on another port', (base: string) => base.replace(/:(\d+)$/, ':1')],
  ])('never learns an iss that %s', async (_name, iss) => {
    const provider = await scriptedProvider({ tokenBody: () => tokens() });
    const error = await flowAnswering(explicit(provider.base), () => ({
      code: 'code-1234',
      iss: iss(provider.base),
    }))
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
    expect(provider.tokenRequests).toHaveLength(0);
  });

  it.each([
    ['a longer path', (stated: string) => `${stated}/tenant`],
    ['a shorter path', (stated: string) => stated.slice(0, stated.lastIndexOf('/'))],
    ['a trailing slash', (stated: string) => `${stated}/`],
  ])('refuses an ID token whose issuer differs from the learnt one by %s', async (_name, other) => {
    const provider = await scriptedProvider({
      tokenBody: (base) => tokens({ id_token: idToken({ iss: other(`${base}/api/oidc`) }) }),
    });
    const error = await flowAnswering(explicit(provider.base), () => ({
      code: 'code-1234',
      iss: `${provider.base}/api/oidc`,
    }))
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
  });

  // An iss on the authorization endpoint's origin included: a pinned issuer is never relearnt.
  it.each([
    ['another origin', () => 'https://attacker.example'],
    ['the authorization endpoint’s origin', (base: string) => `${base}/other-tenant`],
  ])(
    'enforces the issuer a previous login to the same endpoints learnt (iss on %s)',
    async (_name, iss) => {
      const provider = await scriptedProvider({ tokenBody: () => tokens() });
      const error = await flowAnswering(explicit(provider.base), () => ({
        code: 'code-1234',
        iss: iss(provider.base),
      }))
        .login({
          previousProvider: {
            clientId: CLIENT_ID,
            tokenEndpoint: `${provider.base}/token`,
            issuer: `${provider.base}/api/oidc`,
          },
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
      expect(provider.tokenRequests).toHaveLength(0);
    },
  );

  it('is enforced on refresh once stored, and learnt on refresh when it never was', async () => {
    const provider = await scriptedProvider({
      tokenBody: (base) => tokens({ id_token: idToken({ iss: `${base}/api/oidc` }) }),
    });
    const stored = (issuer?: string) =>
      oauthToken(-1, Date.now(), {
        provider: {
          clientId: CLIENT_ID,
          tokenEndpoint: `${provider.base}/token`,
          ...(issuer !== undefined && { issuer }),
        },
      });
    await expect(refreshProviderToken(stored('https://pinned.example'))).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
    });
    const learnt = await refreshProviderToken(stored());
    expect(learnt.provider?.issuer).toBe(`${provider.base}/api/oidc`);
  });
});

describe('OpenID Connect nonce', () => {
  it('is sent with the openid scope and must come back in the ID token', async () => {
    const opened: URL[] = [];
    const provider = await scriptedProvider({
      tokenBody: (base) =>
        tokens({
          id_token: idToken({ iss: base, nonce: opened[0]?.searchParams.get('nonce') }),
        }),
    });
    const token = await flowAnswering(
      explicit(provider.base, ['openid']),
      () => ({ code: 'code-1234' }),
      opened,
    ).login();
    expect(opened[0]?.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token.account?.subject).toBe('user-1');
  });

  it('refuses an ID token carrying another nonce', async () => {
    const provider = await scriptedProvider({
      tokenBody: (base) => tokens({ id_token: idToken({ iss: base, nonce: 'replayed-nonce' }) }),
    });
    await expect(
      flowAnswering(explicit(provider.base, ['openid']), () => ({ code: 'code-1234' })).login(),
    ).rejects.toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });
  });

  it('is not sent without openid', async () => {
    const opened: URL[] = [];
    const provider = await scriptedProvider({ tokenBody: () => tokens() });
    await flowAnswering(explicit(provider.base), () => ({ code: 'code-1234' }), opened).login();
    expect(opened[0]?.searchParams.has('nonce')).toBe(false);
  });
});
