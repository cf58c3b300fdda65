import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';

/** The one account the test provider knows. Its dev login page takes any password. */
export const TEST_USER = {
  login: 'alice',
  email: 'alice@example.test',
  name: 'Alice Example',
} as const;
export const NATIVE_CLIENT_ID = 'claude-auth-native';
export const CONFIDENTIAL_CLIENT_ID = 'claude-auth-confidential';
export const CONFIDENTIAL_CLIENT_SECRET = 'test-confidential-client-secret-0123456789';
/** A confidential client registered for `client_secret_post` only (as glewlwyd clients often are). */
export const POST_CLIENT_ID = 'claude-auth-post';
const INTROSPECTOR = { id: 'resource-server', secret: 'test-introspector-secret-0123456789' };
const LOOPBACK_REDIRECTS = [
  'http://localhost/callback',
  'http://127.0.0.1/callback',
  'http://[::1]/callback',
];
const GRANTS = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
];

export interface OidcServerOptions {
  /** Access token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
}

/**
 * A real OpenID provider (oidc-provider 9) on 127.0.0.1: native public and
 * confidential clients, PKCE required, refresh-token rotation, revocation,
 * introspection and the device flow. Silences its development-mode warnings.
 */
export class OidcServer {
  readonly provider: Provider;
  readonly #server: Server;

  private constructor(provider: Provider, server: Server) {
    this.provider = provider;
    this.#server = server;
  }

  static async start(options: OidcServerOptions = {}): Promise<OidcServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // oidc-provider warns about Node 20 and its development defaults on load; the tests know.
    const quiet = console.warn;
    console.warn = () => undefined;
    let provider: Provider;
    try {
      const { default: ProviderClass } = await import('oidc-provider');
      provider = new ProviderClass(issuer, {
        clients: [
          {
            client_id: NATIVE_CLIENT_ID,
            application_type: 'native',
            token_endpoint_auth_method: 'none',
            redirect_uris: LOOPBACK_REDIRECTS,
            grant_types: GRANTS,
            response_types: ['code'],
          },
          {
            client_id: CONFIDENTIAL_CLIENT_ID,
            client_secret: CONFIDENTIAL_CLIENT_SECRET,
            application_type: 'native',
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: LOOPBACK_REDIRECTS,
            grant_types: GRANTS,
            response_types: ['code'],
          },
          {
            client_id: POST_CLIENT_ID,
            client_secret: CONFIDENTIAL_CLIENT_SECRET,
            application_type: 'native',
            token_endpoint_auth_method: 'client_secret_post',
            redirect_uris: LOOPBACK_REDIRECTS,
            grant_types: GRANTS,
            response_types: ['code'],
          },
          {
            client_id: INTROSPECTOR.id,
            client_secret: INTROSPECTOR.secret,
            redirect_uris: [],
            grant_types: [],
            response_types: [],
          },
        ],
        features: {
          devInteractions: { enabled: true },
          deviceFlow: { enabled: true },
          revocation: { enabled: true, allowedPolicy: async () => true },
          introspection: { enabled: true, allowedPolicy: async () => true },
        },
        claims: { email: ['email'], profile: ['name'] },
        ttl: {
          AccessToken: options.accessTokenTtl ?? 3600,
          AuthorizationCode: 60,
          DeviceCode: 600,
          Grant: 86_400,
          IdToken: 3600,
          Interaction: 600,
          RefreshToken: 86_400,
          Session: 86_400,
        },
        cookies: { keys: ['test-cookie-signing-key'] },
        async renderError(ctx, out) {
          ctx.type = 'html';
          ctx.body = `<!doctype html><title>Error</title><p>${out.error}: ${out.error_description ?? ''}</p>`;
        },
        async findAccount(_ctx, id) {
          if (id !== TEST_USER.login) return undefined;
          return {
            accountId: id,
            claims: async () => ({ sub: id, email: TEST_USER.email, name: TEST_USER.name }),
          };
        },
      });
    } finally {
      console.warn = quiet;
    }
    provider.proxy = false;
    server.on('request', provider.callback());
    return new OidcServer(provider, server);
  }

  get issuer(): string {
    return this.provider.issuer;
  }

  /**
   * Issues the code this provider would send after the test user signed in and
   * consented to `authorizationUrl` (its client, redirect URI, scope, PKCE
   * challenge and nonce), without a browser: the token endpoint then checks
   * everything, the PKCE verifier included, as after a real sign-in.
   */
  async issueAuthorizationCode(authorizationUrl: URL): Promise<string> {
    const params = authorizationUrl.searchParams;
    const clientId = params.get('client_id') as string;
    const scope = params.get('scope') ?? 'openid';
    const grant = new this.provider.Grant({ accountId: TEST_USER.login, clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const code = new this.provider.AuthorizationCode({
      accountId: TEST_USER.login,
      client: await this.provider.Client.find(clientId),
      grantId,
      scope,
      redirectUri: params.get('redirect_uri') as string,
      codeChallenge: params.get('code_challenge') as string,
      codeChallengeMethod: params.get('code_challenge_method') as string,
      authTime: Math.floor(Date.now() / 1000),
      ...(params.has('nonce') && { nonce: params.get('nonce') as string }),
    } as never);
    return code.save();
  }

  /** RFC 7662 introspection, as a resource server would ask. */
  async introspect(token: string): Promise<{ active: boolean; [claim: string]: unknown }> {
    const response = await fetch(`${this.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${INTROSPECTOR.id}:${INTROSPECTOR.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    });
    return (await response.json()) as { active: boolean };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
