import type { McpResourceServer } from '../../fixtures/mcp-resource-server.js';
import { mcpLogin } from '../../src/mcp/mcp-login.js';
import { createOAuthFetch, type OAuthFetch } from '../../src/oauth/http-client.js';
import { capturedOutput } from './oauth-fixture.js';

/**
 * `mcpLogin` to the test MCP server whose "browser" is the provider issuing
 * the code for the authorization URL as after the test user's sign-in; the
 * token endpoint checks the rest (PKCE, redirect, resource). Records every
 * request the login sent and the authorization URLs it opened.
 */
export function headlessMcpLogin(
  mcp: McpResourceServer,
  env: NodeJS.ProcessEnv,
  { name = 'docs', profile }: { name?: string; profile?: string } = {},
) {
  const requests: { url: string; body: string }[] = [];
  const opened: URL[] = [];
  const real = createOAuthFetch();
  const fetch: OAuthFetch = (url, init) => {
    requests.push({ url, body: init.body == null ? '' : String(init.body) });
    return real(url, init);
  };
  const server = mcp.authorizationServer;
  const login = mcpLogin({
    name,
    url: mcp.url,
    env,
    ...(profile !== undefined && { profile }),
    flow: {
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
    },
  });
  return { login, requests, opened };
}
