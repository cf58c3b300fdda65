import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { readSecretSource } from '../oauth/grant-secrets.js';
import { createOAuthFetch } from '../oauth/http-client.js';
import { acquireMachineToken } from '../oauth/machine-grant.js';
import { OAuthConfig } from '../oauth/oauth-config.js';
import { OAuthFlow, type OAuthFlowOptions } from '../oauth/oauth-flow.js';
import { discover } from '../oauth/provider-endpoints.js';
import { resolveProfile } from '../profile/profile-paths.js';
import type { StoreDescription } from '../store/credential-store.js';
import { replaceCredential } from '../store/replace-credential.js';
import type { AuthToken, MachineGrant, SecretSource } from '../token/auth-token.js';
import {
  type ClientChoice,
  ENV_MCP_CLIENT_SECRET,
  type RegisteredClient,
  registerClient,
} from './client-registration.js';
import { checkMcpServerName, recordMcpServer } from './mcp-server-index.js';
import { openMcpStore } from './mcp-store.js';
import { discoverProtectedResource, type ProtectedResource } from './protected-resource.js';

/**
 * A port free on 127.0.0.1 now, for a redirect URI that has to be registered
 * (RFC 7591) before the login listens on it: some authorization servers match
 * loopback redirect URIs exactly, port included, though RFC 8252 §7.3 says
 * they must allow any port. The login then binds it; if another process took
 * it meanwhile, the login fails with `PORT_IN_USE` and can simply be run again.
 */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Options for {@link mcpLogin}. */
export interface McpLoginOptions extends ClientChoice {
  /** The name Claude Code knows the server by (its `mcpServers` key). */
  name: string;
  /** The server's URL. */
  url: string;
  /** The profile (default: as every command resolves it). */
  profile?: string;
  /** The environment: store choice, storage directory, proxy. */
  env: NodeJS.ProcessEnv;
  /** Scopes to ask for instead of the server's (`--scopes`). */
  scopes?: readonly string[];
  /** Use the device authorization grant (RFC 8628). */
  device?: boolean;
  /** Print the URL and accept a pasted redirect instead of opening a browser. */
  noBrowser?: boolean;
  /** How long the login may take. */
  timeoutMs?: number;
  /** The OAuth engine's surroundings (fetch, browser opener, streams). */
  flow?: OAuthFlowOptions;
  /**
   * Log in as the client itself (the client credentials grant, MCP's
   * `oauth-client-credentials` extension): no person, no refresh token; the
   * grant is repeated when due. Its secret comes from `secretFile` (else
   * `CLAUDE_AUTH_MCP_CLIENT_SECRET`), or it authenticates by `private_key_jwt`
   * with `keyFile`. Needs `clientId`.
   */
  clientCredentials?: { secretFile?: string; keyFile?: string };
}

/** What {@link mcpLogin} did. */
export interface McpLoginResult {
  readonly token: AuthToken;
  readonly protectedResource: ProtectedResource;
  readonly store: StoreDescription;
}

/**
 * The scopes of an MCP login: the user's, else the server's (the 401's `scope`,
 * else its `scopes_supported`), plus `offline_access` when the authorization
 * server lists it, since without a refresh token every expiry would need a person.
 */
function loginScopes(
  requested: readonly string[] | undefined,
  resource: ProtectedResource,
  supported: readonly string[] | undefined,
): string[] {
  const scopes = [...(requested ?? resource.scopes)];
  if (supported?.includes('offline_access') === true && !scopes.includes('offline_access'))
    scopes.push('offline_access');
  return scopes;
}

/**
 * The grant of a client credentials login (`--client-credentials`): where its
 * secret or key comes from, files by absolute path.
 */
function machineClient(
  options: McpLoginOptions,
  files: { secretFile?: string; keyFile?: string },
): Omit<MachineGrant, 'scopes'> {
  if (options.clientId === undefined)
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'A client credentials login needs the client registered for it.',
      { fix: 'claude-auth mcp login NAME URL --client-credentials --client-id ID' },
    );
  if (files.keyFile !== undefined && files.secretFile !== undefined)
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'Both a client secret file and a client assertion key file are given; a client authenticates one way.',
      { fix: 'drop the one the server did not register for this client' },
    );
  const source: SecretSource =
    files.keyFile !== undefined
      ? { file: resolve(files.keyFile) }
      : files.secretFile !== undefined
        ? { file: resolve(files.secretFile) }
        : { env: ENV_MCP_CLIENT_SECRET };
  return files.keyFile !== undefined
    ? { type: 'client_credentials', clientAssertionKey: source }
    : { type: 'client_credentials', clientSecret: source };
}

/** The browser or device login of a person, through the OAuth engine. */
async function personLogin(
  options: McpLoginOptions,
  issuer: string,
  resource: ProtectedResource,
  scopesSupported: readonly string[] | undefined,
  client: RegisteredClient,
  fetch: ReturnType<typeof createOAuthFetch>,
  redirectUri: string | undefined,
): Promise<AuthToken> {
  const config = new OAuthConfig({
    clientId: client.clientId,
    issuer,
    redirectUri: redirectUri ?? 'http://127.0.0.1:0/callback',
    resource: resource.resource,
    scopes: loginScopes(options.scopes, resource, scopesSupported),
    ...(client.clientSecret !== undefined && { clientSecret: client.clientSecret }),
    ...(client.tokenEndpointAuthMethod !== undefined && {
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    }),
  });
  const flow = new OAuthFlow(config, { ...options.flow, fetch });
  const loginOptions = {
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.noBrowser !== undefined && { noBrowser: options.noBrowser }),
  };
  return options.device ? flow.loginWithDevice(loginOptions) : flow.login(loginOptions);
}

/**
 * Logs in to an OAuth-protected MCP server (MCP authorization spec 2025-06-18
 * and later): RFC 9728 discovery of the server's authorization server, RFC 8414
 * / OpenID discovery of that server, client registration (see
 * `registerClient`), then the OAuth engine's login (PKCE, state, `iss`,
 * loopback redirect, browser, paste or device) with `resource` (RFC 8707) on
 * every request. The login, with its client, is stored through the one
 * writer, keyed by profile and server URL; the name is recorded locally.
 *
 * @param options - See {@link McpLoginOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for a name Claude Code would
 *   refuse (see `checkMcpServerName`); from discovery, registration, the login or the store.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export async function mcpLogin(options: McpLoginOptions): Promise<McpLoginResult> {
  checkMcpServerName(options.name);
  const fetch = options.flow?.fetch ?? createOAuthFetch({ env: options.env });
  const grant = options.clientCredentials && machineClient(options, options.clientCredentials);
  const resource = await discoverProtectedResource(options.url, fetch);
  const issuer = resource.authorizationServers[0] as string;
  const { as } = await discover(new URL(issuer), fetch);
  // A person's login chooses its port before registration, so the exact URI can be registered too.
  const redirectUri =
    grant !== undefined || options.device
      ? undefined
      : `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
  const client = await registerClient(as, options, fetch, redirectUri);
  const token =
    grant === undefined
      ? await personLogin(
          options,
          issuer,
          resource,
          as.scopes_supported,
          client,
          fetch,
          redirectUri,
        )
      : await acquireMachineToken(
          {
            grant: { ...grant, ...(options.scopes !== undefined && { scopes: options.scopes }) },
            config: new OAuthConfig({
              clientId: client.clientId,
              issuer,
              resource: resource.resource,
              // The secret now, for the method choice; the grant reads it again at every acquisition.
              ...(grant.clientSecret !== undefined && {
                clientSecret: await readSecretSource(
                  grant.clientSecret,
                  'client secret',
                  options.env,
                ),
              }),
            }),
          },
          { fetch, env: options.env },
        );
  const stored = token.with({
    ...(token.provider !== undefined && {
      provider: { ...token.provider, registration: client.registration },
    }),
    mcpServer: { name: options.name, url: resource.serverUrl },
  });
  const profile = resolveProfile({
    env: options.env,
    ...(options.profile !== undefined && { profile: options.profile }),
  }).profile;
  const store = openMcpStore({
    serverUrl: resource.serverUrl,
    env: options.env,
    profile,
  });
  await replaceCredential(store, stored);
  await recordMcpServer(profile, options.name, resource.serverUrl, options.env);
  return { token: stored, protectedResource: resource, store: store.describe() };
}
