import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { signInAsUser } from '../../../fixtures/browser.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { login } from '../../../src/login/login.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import {
  browserFlow,
  capturedOutput,
  freshStorage,
  nativeConfig,
} from '../../helpers/oauth-fixture.js';
import { useProvider } from '../../helpers/suite-fixtures.js';

const parts = useProvider({ browser: true });

/**
 * Signs in with the browser but stops the redirect before it reaches the
 * loopback listener, as when the browser runs on another machine, and returns
 * the callback URL. Playwright's routes do not see redirects, so this uses the
 * DevTools protocol's Fetch domain, which does.
 */
async function captureCallback(url: string): Promise<URL> {
  const page = await parts.browser.context.newPage();
  const cdp = await parts.browser.context.newCDPSession(page);
  let captured: (url: URL) => void = () => undefined;
  const callback = new Promise<URL>((resolve) => {
    captured = resolve;
  });
  cdp.on('Fetch.requestPaused', (event) => {
    captured(new URL(event.request.url));
    void cdp.send('Fetch.failRequest', {
      requestId: event.requestId,
      errorReason: 'BlockedByClient',
    });
  });
  await cdp.send('Fetch.enable', {
    patterns: [{ urlPattern: '*/callback?*', requestStage: 'Request' }],
  });
  await signInAsUser(page, url);
  const result = await callback;
  await page.close();
  return result;
}

const redirectOf = (authorizationUrl: string) =>
  new URL(new URL(authorizationUrl).searchParams.get('redirect_uri') as string);

describe('login defences, each against a real provider and browser', () => {
  it('answers forged callbacks (wrong or missing state, attacker code, wrong path, POST) with 4xx and still completes', async () => {
    const storage = await freshStorage();
    const answers: number[] = [];
    const flow = browserFlow(async (url) => {
      const redirect = redirectOf(url);
      for (const [path, method] of [
        ['?code=attacker-code&state=guessed-state', 'GET'],
        ['?code=attacker-code', 'GET'],
        ['?error=access_denied', 'GET'],
      ] as const) {
        answers.push((await fetch(`${redirect.href}${path}`, { method })).status);
      }
      answers.push((await fetch(`${redirect.origin}/elsewhere?code=x&state=y`)).status);
      answers.push((await fetch(redirect.href, { method: 'POST', body: 'code=x' })).status);
      return signInAsUser(await parts.browser.context.newPage(), url);
    });
    const token = await login({ oauthConfig: nativeConfig(parts.oidc), storage, flow });
    expect(answers).toEqual([400, 400, 400, 404, 405]);
    expect((await parts.oidc.introspect(token.accessToken)).active).toBe(true);
  });

  it('rejects a response whose iss is not the issuer (RFC 9207 mix-up defence) and stores nothing', async () => {
    const storage = await freshStorage();
    const flow = browserFlow(async (url) => {
      const callback = await captureCallback(url);
      expect(callback.searchParams.get('iss')).toBe(parts.oidc.issuer);
      callback.searchParams.set('iss', 'https://attacker.example');
      return fetch(callback);
    });
    await expect(
      login({ oauthConfig: nativeConfig(parts.oidc), storage, flow }),
    ).rejects.toMatchObject({ code: AuthErrorCode.ISSUER_MISMATCH });
    expect(await storage.loadToken()).toBeNull();
  });

  it('reports a denied consent as ACCESS_DENIED', async () => {
    const storage = await freshStorage();
    const flow = browserFlow(async (url) =>
      signInAsUser(await parts.browser.context.newPage(), url, { consent: 'deny' }),
    );
    await expect(
      login({ oauthConfig: nativeConfig(parts.oidc), storage, flow }),
    ).rejects.toMatchObject({ code: AuthErrorCode.ACCESS_DENIED });
    expect(await storage.loadToken()).toBeNull();
  });

  it('never receives a code for an unregistered redirect URI, and times out cleanly', async () => {
    const storage = await freshStorage();
    let providerPage = '';
    const flow = browserFlow(async (url) => {
      const page = await parts.browser.context.newPage();
      await page.goto(url);
      providerPage = await page.content();
    });
    await expect(
      login({
        oauthConfig: nativeConfig(parts.oidc, { redirectUri: 'http://127.0.0.1:0/not-registered' }),
        storage,
        flow,
        timeoutMs: 3000,
      }),
    ).rejects.toMatchObject({ code: AuthErrorCode.LOGIN_TIMEOUT });
    expect(providerPage).toMatch(/redirect_uri/);
  });

  it('times out when nobody signs in, and closes the listener', async () => {
    const flow = browserFlow(async () => undefined);
    await expect(
      login({
        oauthConfig: nativeConfig(parts.oidc),
        storage: await freshStorage(),
        flow,
        timeoutMs: 300,
      }),
    ).rejects.toMatchObject({
      code: AuthErrorCode.LOGIN_TIMEOUT,
    });
    await expect(fetch(redirectOf(flow.opened[0] as string))).rejects.toThrow();
  });

  it('stops on an AbortSignal', async () => {
    const controller = new AbortController();
    const flow = browserFlow(async () => controller.abort());
    await expect(
      login({
        oauthConfig: nativeConfig(parts.oidc),
        storage: await freshStorage(),
        flow,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({
      code: AuthErrorCode.LOGIN_ABORTED,
    });
  });

  it('reports a busy port as PORT_IN_USE with the fix', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const flow = browserFlow(async () => undefined);
      const error = await login({
        oauthConfig: nativeConfig(parts.oidc, { redirectUri: `http://127.0.0.1:${port}/callback` }),
        storage: await freshStorage(),
        flow,
      }).catch((e) => e);
      expect(error).toMatchObject({ code: AuthErrorCode.PORT_IN_USE });
      expect(error.fix).toContain('CLAUDE_OAUTH_REDIRECT_URI');
      expect(flow.opened).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('refuses a second callback after success: the listener is gone', async () => {
    let callback: URL | undefined;
    const flow = browserFlow(async (url) => {
      callback = await captureCallback(url);
      return fetch(callback);
    });
    await login({ oauthConfig: nativeConfig(parts.oidc), storage: await freshStorage(), flow });
    await expect(fetch(callback as URL)).rejects.toThrow();
  });

  it('leaves no code in the browser: the callback redirects to a parameter-free page that loads nothing external', async () => {
    let finalUrl = '';
    let pageText = '';
    const flow = browserFlow(async (url) => {
      const page = await signInAsUser(await parts.browser.context.newPage(), url);
      await page.waitForURL((u) => u.pathname === '/' && u.hostname === '127.0.0.1');
      finalUrl = page.url();
      pageText = (await page.textContent('body')) ?? '';
    });
    const blockedBefore = parts.browser.blocked.length;
    const requestedBefore = parts.browser.requested.length;
    await login({ oauthConfig: nativeConfig(parts.oidc), storage: await freshStorage(), flow });
    await flow.acted();
    expect(new URL(finalUrl).search).toBe('');
    expect(pageText).toContain('You can close this window');
    const fromLoopbackPage = parts.browser.requested
      .slice(requestedBefore)
      .filter((u) => new URL(u).port === new URL(finalUrl).port);
    expect(fromLoopbackPage.every((u) => /\/callback\?|\/$/.test(u))).toBe(true);
    // The provider's own page tries to load web fonts: proof that the blocking works.
    expect(parts.browser.blocked.length).toBeGreaterThan(blockedBefore);
  });

  it('completes through the pasted redirect URL when no browser can open', async () => {
    const input = capturedOutput();
    const output = capturedOutput();
    const flow = new OAuthFlow(nativeConfig(parts.oidc), {
      input: input.stream,
      output: output.stream,
      openBrowser: async () => false,
    });
    const pending = flow.login();
    await expect.poll(() => /https?:\/\/\S+/.exec(output.text())?.[0]).toBeDefined();
    const url = /(http:\/\/127\.0\.0\.1:\d+\/auth\S+)/.exec(output.text())?.[1] as string;
    const callback = await captureCallback(url);
    input.stream.write('not a url\n');
    input.stream.write(`${callback.href}\n`);
    const token = await pending;
    expect(output.text()).toContain('paste');
    expect((await parts.oidc.introspect(token.accessToken)).active).toBe(true);
  });
});
