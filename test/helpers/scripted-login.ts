import { type OidcServer, TEST_USER } from '../../fixtures/oidc-server.js';
import { signInWithoutBrowser } from '../../sandbox/scripted-user-agent.js';
import { OAuthFlow } from '../../src/oauth/oauth-flow.js';
import type { AuthToken } from '../../src/token/auth-token.js';
import { capturedOutput, nativeConfig } from './oauth-fixture.js';

/** A real login at the test provider (authorization code + PKCE), the user's clicks scripted, no browser. */
export async function scriptedLogin(oidc: OidcServer): Promise<AuthToken> {
  const flow = new OAuthFlow(nativeConfig(oidc), {
    output: capturedOutput().stream,
    openBrowser: async (url) => {
      void signInWithoutBrowser(url, TEST_USER.login);
      return true;
    },
  });
  return flow.login();
}
