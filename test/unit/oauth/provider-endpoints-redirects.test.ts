import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { createOAuthFetch } from '../../../src/oauth/http-client.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { resolveProviderEndpoints } from '../../../src/oauth/provider-endpoints.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';

const OIDC_DISCOVERY = '/.well-known/openid-configuration';

const metadata = (response: ServerResponse, issuer: string, status = 200) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
    }),
  );

/**
 * A provider on 127.0.0.1 whose OpenID metadata is reached through `hops`
 * same-origin 302 redirects (`/hop/1`, `/hop/2`, …). Returns its base URL and
 * every path requested.
 */
async function redirectChain(hops: number): Promise<{ base: string; requested: string[] }> {
  const requested: string[] = [];
  const base = await scriptedServer((request, response) => {
    const path = request.url ?? '';
    requested.push(path);
    const hop =
      path === OIDC_DISCOVERY ? 0 : Number(/^\/hop\/(\d+)$/.exec(path)?.[1] ?? Number.NaN);
    if (Number.isNaN(hop)) response.writeHead(404).end();
    else if (hop < hops) response.writeHead(302, { location: `/hop/${hop + 1}` }).end();
    else metadata(response, `http://${request.headers.host}`);
  });
  return { base, requested };
}

/**
 * A provider whose metadata URL answers `status` with a same-origin
 * `Location: /moved` (and, for a 200, the metadata itself); `/moved` serves the
 * metadata. Returns its base URL and every path requested.
 */
async function locationOn(status: number): Promise<{ base: string; requested: string[] }> {
  const requested: string[] = [];
  const base = await scriptedServer((request, response) => {
    requested.push(request.url ?? '');
    const issuer = `http://${request.headers.host}`;
    if (request.url === '/moved') metadata(response, issuer);
    else if (request.url === OIDC_DISCOVERY && status === 200)
      response
        .writeHead(200, { 'content-type': 'application/json', location: '/moved' })
        .end(JSON.stringify({ issuer, token_endpoint: `${issuer}/token` }));
    else if (request.url === OIDC_DISCOVERY)
      response.writeHead(status, { location: '/moved' }).end();
    else response.writeHead(404).end();
  });
  return { base, requested };
}

const resolve = (issuer: string) =>
  resolveProviderEndpoints(new OAuthConfig({ clientId: 'c', issuer }), createOAuthFetch());

describe('redirects followed during discovery (RFC 8414 §3.3: the metadata still names the issuer)', () => {
  it('follows a chain of three same-origin redirects to the metadata', async () => {
    const { base, requested } = await redirectChain(3);
    const endpoints = await resolve(base);
    expect(endpoints.as.token_endpoint).toBe(`${base}/token`);
    expect(requested).toEqual([OIDC_DISCOVERY, '/hop/1', '/hop/2', '/hop/3']);
  });

  it('stops after three redirects: a longer chain is a typed error, and the fourth hop is never requested', async () => {
    const { base, requested } = await redirectChain(4);
    const error = await resolve(base).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
      message: expect.stringContaining('HTTP 302'),
    });
    expect(requested).not.toContain('/hop/4');
    expect(requested.filter((path) => path.startsWith('/hop/'))).toEqual([
      '/hop/1',
      '/hop/2',
      '/hop/3',
    ]);
  });

  it.each([300, 399])(
    'treats a %i with a same-origin Location as a redirect (the whole 3xx range)',
    async (status) => {
      const { base, requested } = await locationOn(status);
      const endpoints = await resolve(base);
      expect(endpoints.as.authorization_endpoint).toBe(`${base}/authorize`);
      expect(requested).toContain('/moved');
    },
  );

  it('does not follow the Location header of a 200: its body is the metadata', async () => {
    const { base, requested } = await locationOn(200);
    const endpoints = await resolve(base);
    expect(endpoints.as.token_endpoint).toBe(`${base}/token`);
    expect(endpoints.as.authorization_endpoint).toBeUndefined();
    expect(requested).not.toContain('/moved');
  });

  it('does not follow the Location header of a 400: discovery fails with the status', async () => {
    const { base, requested } = await locationOn(400);
    const error = await resolve(base).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
      message: expect.stringContaining('HTTP 400'),
    });
    expect(requested).not.toContain('/moved');
  });
});
