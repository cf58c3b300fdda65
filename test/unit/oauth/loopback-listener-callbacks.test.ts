import { createServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { listenForCallback } from '../../../src/oauth/loopback-listener.js';

const STATE = 'state-of-this-login-0123456789';

/** A listener on a free 127.0.0.1 port, and whether its callback has resolved yet. */
async function listener() {
  const started = await listenForCallback(new URL('http://127.0.0.1:0/callback'), STATE);
  onTestFinished(() => started.close());
  const seen = { resolved: false };
  void started.callback.then(() => {
    seen.resolved = true;
  });
  return { ...started, seen };
}

const get = (url: string | URL, init: RequestInit = {}) =>
  fetch(url, { redirect: 'manual', ...init });

describe('the loopback listener accepts only this login’s callback (RFC 6749 §10.12, RFC 8252 §8)', () => {
  it.each([
    ['a wrong path with the right state', 404, `/other?code=c&state=${STATE}`],
    // The path is compared whole: one that starts or ends with the registered one is another.
    ['a path under the registered one', 404, `/callback/x?code=c&state=${STATE}`],
    ['the registered path with a trailing slash', 404, `/callback/?code=c&state=${STATE}`],
    ['a path extending the registered one', 404, `/callbackx?code=c&state=${STATE}`],
    ['a path ending with the registered one', 404, `/x/callback?code=c&state=${STATE}`],
    ['the registered path in capitals', 404, `/CALLBACK?code=c&state=${STATE}`],
    ['the right path without a state', 400, '/callback?code=c'],
    ['the right path with an empty state', 400, '/callback?code=c&state='],
    [
      'a state that is a prefix of the right one',
      400,
      `/callback?code=c&state=${STATE.slice(0, -1)}`,
    ],
    ['a state that extends the right one', 400, `/callback?code=c&state=${STATE}x`],
    ['the success page before any callback', 404, '/'],
  ])('answers %s with %i and keeps waiting', async (_name, status, target) => {
    const server = await listener();
    const response = await get(new URL(target, server.redirectUri));
    expect(response.status).toBe(status);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(server.seen.resolved).toBe(false);
    // Following the redirect fetches the success page, which lets the listener close at once.
    const real = await fetch(`${server.redirectUri}?code=real&state=${STATE}`);
    expect(real.redirected && real.status).toBe(200);
    expect((await server.callback).get('code')).toBe('real');
  });

  it('answers a POST with the right state 405 and keeps waiting', async () => {
    const server = await listener();
    const response = await get(`${server.redirectUri}?code=c&state=${STATE}`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(server.seen.resolved).toBe(false);
  });

  it('redirects the accepted callback to a parameter-free page, uncached and without a referrer', async () => {
    const server = await listener();
    const response = await get(`${server.redirectUri}?code=c1&state=${STATE}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await server.callback).get('code')).toBe('c1');
    expect((await get(new URL('/?code=c1', server.redirectUri))).status).toBe(404);
    const page = await get(new URL('/', server.redirectUri));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('after the login, answers only / with the success page: another path without a query gets 404', async () => {
    const server = await listener();
    await get(`${server.redirectUri}?code=c1&state=${STATE}`);
    await server.callback;
    expect((await get(new URL('/favicon.ico', server.redirectUri))).status).toBe(404);
    expect((await get(server.redirectUri)).status).toBe(400);
    expect((await get(new URL('/', server.redirectUri))).status).toBe(200);
  });

  it('hands an error response to the login (so a denial is reported) without a redirect', async () => {
    const server = await listener();
    const response = await get(`${server.redirectUri}?error=access_denied&state=${STATE}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('did not grant access');
    expect((await server.callback).get('error')).toBe('access_denied');
  });

  it('reports a busy port as PORT_IN_USE with the fix', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void squatter.close());
    const { port } = squatter.address() as { port: number };
    const failure = listenForCallback(new URL(`http://127.0.0.1:${port}/callback`), STATE);
    await expect(failure).rejects.toMatchObject({
      code: AuthErrorCode.PORT_IN_USE,
      message: expect.stringContaining('CLAUDE_OAUTH_REDIRECT_URI'),
    });
  });

  it('still serves the success page to the browser following the redirect when close comes first', async () => {
    const server = await listener();
    await get(`${server.redirectUri}?code=c1&state=${STATE}`);
    await server.callback;
    // The login closes the listener as soon as it has the code, before the browser follows the 303.
    const closing = server.close();
    const page = await get(new URL('/', server.redirectUri));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in');
    await closing;
  });

  it('stops listening at once when closed before any callback (no success page to wait for)', async () => {
    const server = await listener();
    const closing = server.close();
    await expect(get(new URL('/', server.redirectUri))).rejects.toThrow();
    await closing;
  });

  it('stops listening on close', async () => {
    const server = await listener();
    await server.close();
    await expect(get(`${server.redirectUri}?code=c&state=${STATE}`)).rejects.toThrow();
  });
});
