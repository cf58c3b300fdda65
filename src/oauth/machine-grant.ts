import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type {
  AuthToken,
  MachineGrant,
  MachineGrantType,
  ProviderMetadata,
} from '../token/auth-token.js';
import { describeSecretSource } from '../token/secret-source.js';
import { sendWithClientAuthentication } from './client-authentication.js';
import {
  assertIdentityTokenUnexpired,
  importClientAssertionKey,
  privateKeyJwt,
  readSecretSource,
} from './grant-secrets.js';
import { createOAuthFetch, type OAuthFetch } from './http-client.js';
import { MACHINE_GRANT_ENV, type MachineGrantSetup } from './machine-grant-config.js';
import { OAUTH_ENV } from './oauth-config.js';
import { toAuthenticationError } from './oauth-errors.js';
import {
  endpointsFromMetadata,
  type ProviderEndpoints,
  resolveProviderEndpoints,
} from './provider-endpoints.js';
import { prepareTokenResponse, tokenFromResponse } from './token-response.js';

/** The `grant_type` of each machine grant. */
const GRANT_TYPE_URIS: Record<MachineGrantType, string> = {
  client_credentials: 'client_credentials',
  'token-exchange': 'urn:ietf:params:oauth:grant-type:token-exchange',
  'jwt-bearer': 'urn:ietf:params:oauth:grant-type:jwt-bearer',
};

/** What an acquisition uses from its surroundings. */
export interface MachineGrantOptions {
  /** The fetch for OAuth requests (default `createOAuthFetch()`). */
  fetch?: OAuthFetch;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Where a secret named by a variable is read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The provider metadata stored with a machine token: never the client
 * secret, which is read from its variable at every acquisition.
 */
function storable(metadata: ProviderMetadata): ProviderMetadata {
  const { clientSecret: _secret, ...rest } = metadata;
  return rest;
}

/**
 * Endpoints that authenticate the client as the grant says: with the secret
 * read from its variable now (Basic or post, as stored), or with a
 * `private_key_jwt` assertion signed by the key read from its file now.
 *
 * @param metadata - The stored provider metadata (no secret in it).
 * @param grant - The grant, naming where the client's secret or key comes from.
 * @param options - The fetch and environment.
 * @returns The endpoints, and the secrets read (to redact from any error).
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming an unset variable or unreadable file.
 */
export async function machineGrantEndpoints(
  metadata: ProviderMetadata,
  grant: MachineGrant,
  options: Pick<MachineGrantOptions, 'fetch' | 'env'> = {},
): Promise<{ endpoints: ProviderEndpoints; secrets: string[] }> {
  const env = options.env ?? process.env;
  const fetch = options.fetch ?? createOAuthFetch();
  if (grant.clientAssertionKey !== undefined) {
    const text = await readSecretSource(grant.clientAssertionKey, 'client assertion key', env);
    const key = await importClientAssertionKey(text, grant.clientAssertionKey);
    const endpoints = endpointsFromMetadata(storable(metadata), fetch);
    return {
      endpoints: {
        ...endpoints,
        clientAuth: privateKeyJwt(key, metadata.issuer ?? metadata.tokenEndpoint),
      },
      secrets: [text],
    };
  }
  if (grant.clientSecret !== undefined) {
    const clientSecret = await readSecretSource(grant.clientSecret, 'client secret', env);
    return {
      endpoints: endpointsFromMetadata({ ...metadata, clientSecret }, fetch),
      secrets: [clientSecret],
    };
  }
  return { endpoints: endpointsFromMetadata(storable(metadata), fetch), secrets: [] };
}

/** The grant's own parameters, the identity token read (and its expiry checked) now. */
async function grantParameters(
  grant: MachineGrant,
  resource: string | undefined,
  env: NodeJS.ProcessEnv,
  now: number,
): Promise<{ parameters: Record<string, string>; secrets: string[] }> {
  const common: Record<string, string> = {
    ...(grant.scopes !== undefined && grant.scopes.length > 0 && { scope: grant.scopes.join(' ') }),
    // RFC 8707 §2 for every grant; `audience` is RFC 8693 §2.1's, which gateways (Auth0,
    // Kong) also ask of client credentials.
    ...(resource !== undefined && { resource }),
    ...(grant.audience !== undefined && { audience: grant.audience }),
  };
  if (grant.type === 'client_credentials') return { parameters: common, secrets: [] };
  const source = grant.subjectToken;
  if (source === undefined)
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `The ${grant.type} grant names no identity token.`,
      { fix: `export ${MACHINE_GRANT_ENV.subjectTokenFile}=… and log in again with this grant` },
    );
  const token = await readSecretSource(source, 'identity token', env);
  assertIdentityTokenUnexpired(token, source, now);
  return grant.type === 'jwt-bearer'
    ? { parameters: { ...common, assertion: token }, secrets: [token] }
    : {
        parameters: {
          ...common,
          subject_token: token,
          subject_token_type: grant.subjectTokenType ?? 'urn:ietf:params:oauth:token-type:jwt',
        },
        secrets: [token],
      };
}

/** The fix for a refusal of the grant, naming what to check (RFC 6749 §5.2, RFC 8693 §2.2.2). */
function refusalFix(error: string, grant: MachineGrant, clientId: string): string | undefined {
  const client = grant.clientAssertionKey ?? grant.clientSecret;
  const identity =
    grant.subjectToken === undefined ? undefined : describeSecretSource(grant.subjectToken);
  switch (error) {
    case 'unauthorized_client':
      return `the provider does not allow client "${clientId}" (${OAUTH_ENV.clientId}) the ${GRANT_TYPE_URIS[grant.type]} grant: ask its administrator to enable it for this client`;
    case 'invalid_client':
      return client === undefined
        ? `this client must authenticate: set ${OAUTH_ENV.clientSecret} or ${MACHINE_GRANT_ENV.clientAssertionKeyFile}`
        : `check the client's ${'env' in client ? 'secret' : 'key'} (${describeSecretSource(client)}) and that the provider registered it for client "${clientId}"`;
    case 'invalid_grant':
      return identity === undefined
        ? undefined
        : `the provider refused the identity token in ${identity}: check that it trusts the token's issuer and that the token's audience and subject match its policy (or have the platform write a fresh one)`;
    case 'invalid_target':
      return `check ${MACHINE_GRANT_ENV.audience} and ${OAUTH_ENV.resource}: the provider does not issue tokens for them to this client`;
    case 'invalid_scope':
      return `check ${OAUTH_ENV.scopes}: the provider does not grant those scopes to this client`;
    default:
      return undefined;
  }
}

function withRefusalFix(
  error: AuthenticationError,
  grant: MachineGrant,
  clientId: string,
): AuthenticationError {
  const fix = error.oauthError && refusalFix(error.oauthError.error, grant, clientId);
  if (fix === undefined) return error;
  return new AuthenticationError(error.code, error.summary, {
    cause: error,
    fix,
    ...(error.status !== undefined && { status: error.status }),
    ...(error.oauthError !== undefined && { oauthError: error.oauthError }),
  });
}

/**
 * Requests a token with a machine grant at the endpoints stored in `metadata`
 * (RFC 6749 §4.4, RFC 8693 §2.1, RFC 7523 §2.1), every secret read from its
 * source now. The token carries the grant and no refresh token (a server that
 * issues one is not asked again with it: the grant itself is repeated).
 */
async function requestMachineToken(
  metadata: ProviderMetadata,
  grant: MachineGrant,
  options: MachineGrantOptions,
): Promise<AuthToken> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const secrets: (string | undefined)[] = [];
  try {
    const authenticated = await machineGrantEndpoints(metadata, grant, options);
    secrets.push(...authenticated.secrets);
    const request = await grantParameters(grant, metadata.resource, env, now());
    secrets.push(...request.secrets);
    const sent = await sendWithClientAuthentication(
      authenticated.endpoints,
      ({ as, client, clientAuth, http }) =>
        oauth.genericTokenEndpointRequest(
          as,
          client,
          clientAuth,
          GRANT_TYPE_URIS[grant.type],
          request.parameters,
          {
            ...http(as.token_endpoint),
            ...(options.signal !== undefined && { signal: options.signal }),
          },
        ),
    );
    const { response, credentials } = await prepareTokenResponse(sent.response);
    secrets.push(...credentials);
    const { as, client } = sent.endpoints;
    const result = await oauth.processGenericTokenEndpointResponse(as, client, response);
    const { refresh_token: _unused, ...withoutRefresh } = result;
    return tokenFromResponse(
      withoutRefresh as oauth.TokenEndpointResponse,
      storable(sent.endpoints.metadata),
      grant.scopes ?? [],
      now(),
    ).with({ grant });
  } catch (error) {
    const failure = toAuthenticationError(error, 'the token endpoint', secrets);
    throw withRefusalFix(failure, grant, metadata.clientId);
  }
}

/**
 * Logs in with a machine grant (`claude-auth login --client-credentials`,
 * `--token-exchange`, `--jwt-bearer`): resolves the provider's endpoints
 * (discovery when an issuer is configured) and acquires the first token.
 *
 * @param setup - From `machineGrantFromEnv`.
 * @param options - See {@link MachineGrantOptions}.
 * @returns The token, with the provider metadata and the grant that acquire the next one.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` (a variable unset, a file
 *   unreadable), `IDENTITY_TOKEN_EXPIRED`, `TOKEN_ENDPOINT_ERROR` (the fix names
 *   what to check), `INVALID_RESPONSE`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
export async function acquireMachineToken(
  setup: MachineGrantSetup,
  options: MachineGrantOptions = {},
): Promise<AuthToken> {
  const endpoints = await resolveProviderEndpoints(
    setup.config,
    options.fetch ?? createOAuthFetch(),
  );
  return requestMachineToken(endpoints.metadata, setup.grant, options);
}

/**
 * Acquires a new token with the grant stored with `token`: what a refresh is
 * for a machine credential (DESIGN.md §6d). The account known is kept.
 *
 * @param token - The stored token.
 * @param provider - Its provider metadata.
 * @param grant - Its grant.
 * @param options - See {@link MachineGrantOptions}.
 * @throws As {@link acquireMachineToken}.
 */
export async function reacquireMachineToken(
  token: AuthToken,
  provider: ProviderMetadata,
  grant: MachineGrant,
  options: MachineGrantOptions = {},
): Promise<AuthToken> {
  const next = await requestMachineToken(provider, grant, options);
  return token.account === undefined ? next : next.with({ account: token.account });
}
