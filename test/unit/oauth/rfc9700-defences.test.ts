import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';

/** A flow whose "browser" sends the listener the given response parameters, with the right state. */
function flowAnswering(config: OAuthConfig, params: Record<string, string>, opened: string[] = []) {
  return new OAuthFlow(config, {
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      opened.push(url);
      const request = new URL(url);
      const callback = new URL(request.searchParams.get('redirect_uri') as string);
      for (const [key, value] of Object.entries({
        ...params,
        state: request.searchParams.get('state') as string,
      }))
        callback.searchParams.set(key, value);
      void fetch(callback, { redirect: 'manual' });
      return true;
    },
  });
}

describe('RFC 9700 defences that need no real provider to fail', () => {
  it('refuses an implicit-grant response (a token in the redirect) and never calls the token endpoint', async () => {
    let tokenCalls = 0;
    const base = await scriptedServer((request, response) => {
      if (request.url === '/token') tokenCalls++;
      response.writeHead(request.url === '/token' ? 500 : 404).end();
    });
    const config = new OAuthConfig({
      clientId: 'c',
      authorizeUrl: `${base}/authorize`,
      tokenUrl: `${base}/token`,
      redirectUri: 'http://127.0.0.1:0/cb',
    });
    const error = await flowAnswering(config, {
      access_token: 'injected-token',
      token_type: 'bearer',
    })
      .login()
      .catch((e) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });
    expect(tokenCalls).toBe(0);
  });

  it('sends PKCE S256 even when the server advertises only "plain" (no downgrade)', async () => {
    const base = await scriptedServer((request, response) => {
      const issuer = `http://${request.headers.host}`;
      response.writeHead(request.url?.includes('well-known') ? 200 : 400, {
        'content-type': 'application/json',
      });
      response.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          code_challenge_methods_supported: ['plain'],
          error: 'access_denied',
        }),
      );
    });
    const opened: string[] = [];
    const config = new OAuthConfig({
      clientId: 'c',
      issuer: base,
      redirectUri: 'http://127.0.0.1:0/cb',
    });
    await flowAnswering(config, { error: 'access_denied' }, opened)
      .login()
      .catch(() => undefined);
    const sent = new URL(opened[0] as string).searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses discovery metadata whose issuer is not the configured one (RFC 8414 §3.3)', async () => {
    const base = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer: 'https://attacker.example',
          authorization_endpoint: 'https://attacker.example/a',
          token_endpoint: 'https://attacker.example/t',
        }),
      );
    });
    const config = new OAuthConfig({
      clientId: 'c',
      issuer: base,
      redirectUri: 'http://127.0.0.1:0/cb',
    });
    await expect(
      new OAuthFlow(config, {
        output: capturedOutput().stream,
        openBrowser: async () => true,
      }).login(),
    ).rejects.toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });
  });
});

describe('an error from the token endpoint', () => {
  it('names the token endpoint and never carries the authorization code or the PKCE verifier it echoes', async () => {
    const code = 'Splx1OBeZQQYbYS6WxSbIA';
    let verifier = '';
    const base = await scriptedServer((request, response) => {
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
        verifier = form.get('code_verifier') ?? '';
        // A server that quotes the request back: bare values, which no secret pattern recognises.
        response.writeHead(400, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: 'invalid_grant',
            error_description: `grant ${form.get('code')} was issued to another client (PKCE ${verifier})`,
          }),
        );
      });
    });
    const config = new OAuthConfig({
      clientId: 'c',
      authorizeUrl: `${base}/authorize`,
      tokenUrl: `${base}/token`,
      redirectUri: 'http://127.0.0.1:0/cb',
    });
    const error = await flowAnswering(config, { code })
      .login()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      status: 400,
      message: expect.stringMatching(
        /^the token endpoint refused the request \(HTTP 400, invalid_grant/,
      ),
      oauthError: {
        error: 'invalid_grant',
        error_description: expect.stringContaining('[REDACTED]'),
      },
    });
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const everything = inspect(error, { depth: 10 }) + JSON.stringify(error);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(verifier);
  });
});

describe('the login timeout', () => {
  it('a timeout beyond what setTimeout holds (or Infinity) does not end the login at once', async () => {
    const base = await scriptedServer((_request, response) => response.writeHead(404).end());
    const config = new OAuthConfig({
      clientId: 'c',
      authorizeUrl: `${base}/authorize`,
      tokenUrl: `${base}/token`,
      redirectUri: 'http://127.0.0.1:0/cb',
    });
    for (const timeoutMs of [2 ** 31 + 60_000, 30 * 86_400_000, Number.POSITIVE_INFINITY]) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const controller = new AbortController();
        const flow = new OAuthFlow(config, {
          output: capturedOutput().stream,
          // A minute passes in the browser; then the user gives up.
          openBrowser: async () => {
            vi.advanceTimersByTime(60_000);
            controller.abort();
            return true;
          },
        });
        const error = await flow
          .login({ timeoutMs, signal: controller.signal })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ code: AuthErrorCode.LOGIN_ABORTED });
      } finally {
        vi.useRealTimers();
      }
    }
  });
});
