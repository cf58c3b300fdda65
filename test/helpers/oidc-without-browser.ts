import type { OidcServer } from '../../fixtures/oidc-server.js';
import { createOAuthFetch, type OAuthFetch } from '../../src/oauth/http-client.js';
import type { OAuthConfig } from '../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../src/oauth/oauth-flow.js';
import { capturedOutput, nativeConfig } from './oauth-fixture.js';

/**
 * A flow against the real oidc-provider whose "browser" is the provider
 * issuing a code for the authorization URL as after a sign-in; `rewrite`
 * may change token requests on their way. Records the token requests (form
 * and Authorization header) and the authorization URLs opened.
 */
export function flowWithoutBrowser(
  server: OidcServer,
  rewrite: (form: URLSearchParams) => void = () => undefined,
  config: OAuthConfig = nativeConfig(server),
) {
  const tokenRequests: URLSearchParams[] = [];
  const tokenAuthorizations: (string | null)[] = [];
  const opened: URL[] = [];
  const real = createOAuthFetch();
  const fetch: OAuthFetch = (url, init) => {
    if (url.endsWith('/token') && init.body instanceof URLSearchParams) {
      const form = new URLSearchParams(init.body);
      rewrite(form);
      tokenRequests.push(form);
      tokenAuthorizations.push(new Headers(init.headers).get('authorization'));
      return real(url, { ...init, body: form });
    }
    return real(url, init);
  };
  const flow = new OAuthFlow(config, {
    fetch,
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      const authorization = new URL(url);
      opened.push(authorization);
      const callback = new URL(authorization.searchParams.get('redirect_uri') as string);
      callback.searchParams.set('code', await server.issueAuthorizationCode(authorization));
      callback.searchParams.set('state', authorization.searchParams.get('state') as string);
      callback.searchParams.set('iss', server.issuer);
      void globalThis.fetch(callback, { redirect: 'manual' });
      return true;
    },
  });
  return { flow, fetch, tokenRequests, tokenAuthorizations, opened };
}
