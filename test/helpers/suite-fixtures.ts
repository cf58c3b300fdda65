import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TestBrowser } from '../../fixtures/browser.js';
import { MessagesApi } from '../../fixtures/messages-api.js';
import { OidcServer, type OidcServerOptions } from '../../fixtures/oidc-server.js';

/**
 * A real OpenID provider (and, with `browser`, headless Chromium) for the
 * tests of one file: started before them, stopped after. Read the fields
 * inside tests, not at module level.
 */
export function useProvider(options: OidcServerOptions & { browser?: boolean } = {}): {
  oidc: OidcServer;
  browser: TestBrowser;
} {
  const parts = {} as { oidc: OidcServer; browser: TestBrowser };
  beforeAll(async () => {
    parts.oidc = await OidcServer.start(options);
    if (options.browser === true) parts.browser = await TestBrowser.launch();
  });
  afterAll(async () => {
    await parts.browser?.close();
    await parts.oidc?.close();
  });
  return parts;
}

/**
 * The Messages-API stand-in for the tests of one file, reset before each test
 * (no recorded requests, every request answered 200).
 */
export function useMessagesApi(): { api: MessagesApi } {
  const parts = {} as { api: MessagesApi };
  beforeAll(async () => {
    parts.api = await MessagesApi.start();
  });
  afterAll(() => parts.api?.close());
  beforeEach(() => {
    parts.api.requests.length = 0;
    parts.api.federationExchanges.length = 0;
    parts.api.respond = () => 200;
  });
  return parts;
}
