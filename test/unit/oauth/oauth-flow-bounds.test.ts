import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';

/** `/a/b/c/authorize` gives issuers `/a/b/c`, `/a/b`, `/a`, `/`, each with two documents. */
const ALL_CANDIDATES = 8;

/**
 * A provider whose discovery documents never answer (a gateway that drops
 * unknown paths): with explicit endpoints, claude-auth looks for metadata at
 * several path prefixes, each bounded only by the 30-s HTTP timeout.
 */
async function silentDiscovery() {
  const discoveryRequests: string[] = [];
  let reached: () => void = () => undefined;
  const discoveryReached = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let allReached: () => void = () => undefined;
  const allDiscoveryReached = new Promise<void>((resolve) => {
    allReached = resolve;
  });
  const base = await scriptedServer((request, response) => {
    if (request.url?.includes('/.well-known/')) {
      discoveryRequests.push(request.url);
      reached();
      if (discoveryRequests.length === ALL_CANDIDATES) allReached();
      return; // never answered
    }
    response.writeHead(404).end();
  });
  const config = new OAuthConfig({
    clientId: 'cli',
    authorizeUrl: `${base}/a/b/c/authorize`,
    tokenUrl: `${base}/a/b/c/token`,
    deviceAuthorizationUrl: `${base}/a/b/c/device`,
    redirectUri: 'http://127.0.0.1:0/cb',
    scopes: [],
  });
  const opened: string[] = [];
  const flow = new OAuthFlow(config, {
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      opened.push(url);
      return true;
    },
  });
  return { flow, opened, discoveryRequests, discoveryReached, allDiscoveryReached };
}

describe('a login is bounded from its first request (discovery included)', () => {
  it('times out with LOGIN_TIMEOUT while discovery does not answer', async () => {
    const { flow, opened, discoveryRequests } = await silentDiscovery();
    // Long enough for a loaded machine to send the discovery requests first (a 300 ms
    // budget failed under load before any request left); the hang itself is what times out.
    const error = await flow.login({ timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.LOGIN_TIMEOUT });
    // Nothing was shown yet: the fix is about the provider's address, not the browser.
    expect((error as { fix?: string }).fix).toMatch(/CLAUDE_OAUTH_ISSUER/);
    expect((error as { fix?: string }).fix).not.toMatch(/browser/);
    expect(discoveryRequests.length).toBeGreaterThan(0);
    expect(opened).toEqual([]);
  });

  it.each(['login', 'loginWithDevice'] as const)(
    '%s is cancelled by its signal while discovery does not answer (LOGIN_ABORTED)',
    async (method) => {
      const { flow, discoveryReached } = await silentDiscovery();
      const controller = new AbortController();
      const login = flow[method]({ signal: controller.signal });
      login.catch(() => undefined);
      // Abort once discovery is under way: its first request has reached the server.
      await discoveryReached;
      controller.abort();
      await expect(login).rejects.toMatchObject({ code: AuthErrorCode.LOGIN_ABORTED });
    },
  );

  it('asks for every candidate document at once, not one per HTTP timeout', async () => {
    const { flow, discoveryRequests, allDiscoveryReached } = await silentDiscovery();
    const controller = new AbortController();
    const login = flow.login({ signal: controller.signal });
    login.catch(() => undefined);
    // None is answered: all eight can only have arrived if none waited for another.
    await allDiscoveryReached;
    controller.abort();
    await expect(login).rejects.toMatchObject({ code: AuthErrorCode.LOGIN_ABORTED });
    expect(new Set(discoveryRequests).size).toBe(ALL_CANDIDATES);
  });
});
