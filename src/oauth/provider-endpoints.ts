import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { ProviderMetadata, TokenEndpointAuthMethod } from '../token/auth-token.js';
import type { OAuthFetch } from './http-client.js';
import { isLoopbackHost, isSecureEndpoint } from './loopback.js';
import type { OAuthConfig } from './oauth-config.js';
import { toAuthenticationError } from './oauth-errors.js';

/**
 * RFC 8707 §2: the `resource` parameter of a token request bound to one
 * resource server (none for a provider's own tokens).
 *
 * @param resource - The resource indicator, if any.
 */
export function resourceParameters(resource: string | undefined): Record<string, string> {
  return resource === undefined ? {} : { resource };
}

/** The options oauth4webapi takes for one request. */
export interface EndpointRequestOptions {
  [oauth.customFetch]: OAuthFetch;
  [oauth.allowInsecureRequests]?: boolean;
}

/** Everything oauth4webapi needs to talk to one provider as one client. */
export interface ProviderEndpoints {
  readonly as: oauth.AuthorizationServer;
  readonly client: oauth.Client;
  readonly clientAuth: oauth.ClientAuth;
  /**
   * Request options for a call to `endpoint`: the custom fetch, and plain http
   * allowed only when that very endpoint is on loopback.
   */
  http(endpoint: string | undefined): EndpointRequestOptions;
  /** What to store with a token so it can be refreshed and revoked later. */
  readonly metadata: ProviderMetadata;
  /**
   * Whether the server is an OpenID Provider: its metadata came from OpenID
   * Connect discovery or lists the `openid` scope. Only then are `openid` and
   * an ID token asked for by default.
   */
  readonly openIdProvider: boolean;
  /**
   * Where `as.issuer` comes from: the configuration, discovery or a stored
   * login (`known`), or nowhere yet (`unknown`: it is learnt from the login's
   * first verified `iss`, and `as.issuer` is a placeholder never compared).
   */
  readonly issuer: 'configured' | 'known' | 'unknown';
}

/** Endpoints that claude-auth sends requests or the user's browser to. */
const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'device_authorization_endpoint',
  'userinfo_endpoint',
] as const;
/** At most this many path prefixes of the authorization URL are tried as issuers. */
const MAX_ISSUER_CANDIDATES = 4;
/** Same-origin redirects followed during discovery (Django OAuth Toolkit adds a trailing slash). */
const MAX_DISCOVERY_REDIRECTS = 3;

function requestOptions(fetch: OAuthFetch) {
  return (endpoint: string | undefined): EndpointRequestOptions => {
    const url = endpoint === undefined ? undefined : new URL(endpoint);
    return {
      [oauth.customFetch]: fetch,
      ...(url?.protocol === 'http:' &&
        isLoopbackHost(url.hostname) && { [oauth.allowInsecureRequests]: true }),
    };
  };
}

/**
 * Refuses any endpoint that is not https or loopback http, judging each on its
 * own (RFC 9700 §2.6): a loopback token endpoint does not make a plain-http
 * revocation endpoint elsewhere acceptable.
 */
function assertSecureEndpoints(
  as: oauth.AuthorizationServer,
  refuse: (field: string, url: string) => AuthenticationError,
): void {
  for (const field of ENDPOINT_FIELDS) {
    const value = as[field];
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw refuse(field, String(value).slice(0, 200));
    }
    if (!isSecureEndpoint(url)) throw refuse(field, url.origin);
  }
}

/**
 * The client authentication to use (RFC 6749 §2.3.1): the configured method;
 * else, for a confidential client, `client_secret_basic` when the metadata
 * lists it or lists nothing (RFC 8414 §2's default), else `client_secret_post`
 * when listed. The client id never decides it: Basic credentials are
 * form-encoded (see {@link clientSecretBasic}), which keeps any id intact.
 */
function chooseAuthMethod(
  configured: TokenEndpointAuthMethod | undefined,
  clientSecret: string | undefined,
  supported: readonly string[] | undefined,
): TokenEndpointAuthMethod {
  if (clientSecret === undefined) return 'none';
  if (configured !== undefined) return configured;
  if (
    supported?.includes('client_secret_basic') === false &&
    supported.includes('client_secret_post')
  )
    return 'client_secret_post';
  return 'client_secret_basic';
}

/** The `application/x-www-form-urlencoded` serialisation of one value (WHATWG URL §5.2). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: the client
 * id and secret each encoded with the `application/x-www-form-urlencoded`
 * algorithm, then joined by `:` and base64-encoded. That algorithm leaves
 * `*-._` and alphanumerics as they are; oauth4webapi's own helper
 * percent-encodes `-`, `.` and `_` too, which servers that do not decode the
 * credentials (glewlwyd) read as a different client id.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
function clientSecretBasic(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = `${formEncode(client.client_id)}:${formEncode(clientSecret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  };
}

function clientAuthFor(
  method: TokenEndpointAuthMethod,
  clientSecret: string | undefined,
): oauth.ClientAuth {
  if (method === 'none' || clientSecret === undefined) return oauth.None();
  return method === 'client_secret_post'
    ? oauth.ClientSecretPost(clientSecret)
    : clientSecretBasic(clientSecret);
}

interface BuildInput {
  as: oauth.AuthorizationServer;
  issuer: ProviderEndpoints['issuer'];
  openIdProvider: boolean;
  clientId: string;
  clientSecret: string | undefined;
  authMethod: TokenEndpointAuthMethod | undefined;
  apiBaseUrl: string | undefined;
  resource: string | undefined;
  registration?: ProviderMetadata['registration'];
  fetch: OAuthFetch;
}

function build(input: BuildInput): ProviderEndpoints {
  const { as, clientId, clientSecret } = input;
  const tokenEndpoint = as.token_endpoint;
  if (tokenEndpoint === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `The provider ${as.issuer} advertises no token endpoint.`,
      { fix: 'set tokenUrl (CLAUDE_OAUTH_TOKEN_URL)' },
    );
  }
  const method = chooseAuthMethod(
    input.authMethod,
    clientSecret,
    as.token_endpoint_auth_methods_supported,
  );
  // Every metadata field a later refresh or revocation depends on is stored with the login:
  // rebuilt from fewer, a refresh judged the server by defaults it never stated.
  const metadata: ProviderMetadata = {
    clientId,
    tokenEndpoint,
    ...(input.issuer !== 'unknown' && { issuer: as.issuer }),
    ...(clientSecret !== undefined && { clientSecret, tokenEndpointAuthMethod: method }),
    ...(as.revocation_endpoint !== undefined && { revocationEndpoint: as.revocation_endpoint }),
    ...(input.apiBaseUrl !== undefined && { apiBaseUrl: input.apiBaseUrl }),
    ...(as.id_token_signing_alg_values_supported !== undefined && {
      idTokenSigningAlgValuesSupported: as.id_token_signing_alg_values_supported,
    }),
    ...(as.token_endpoint_auth_methods_supported !== undefined && {
      tokenEndpointAuthMethodsSupported: as.token_endpoint_auth_methods_supported,
    }),
    ...(input.resource !== undefined && { resource: input.resource }),
    ...(input.registration !== undefined && { registration: input.registration }),
  };
  return {
    as,
    client: { client_id: clientId },
    clientAuth: clientAuthFor(method, clientSecret),
    http: requestOptions(input.fetch),
    metadata,
    issuer: input.issuer,
    openIdProvider: input.openIdProvider,
  };
}

/**
 * The same endpoints authenticating with the other client-secret method
 * (`client_secret_basic` ↔ `client_secret_post`), for one retry after the
 * server refused the client's authentication; `undefined` for a public client,
 * or when the server's `token_endpoint_auth_methods_supported` (RFC 8414 §2,
 * stored with a login) excludes the other method.
 *
 * @param endpoints - Endpoints of a client whose authentication was refused.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function withOtherSecretMethod(endpoints: ProviderEndpoints): ProviderEndpoints | undefined {
  const { clientSecret, tokenEndpointAuthMethod } = endpoints.metadata;
  if (clientSecret === undefined || tokenEndpointAuthMethod === 'none') return undefined;
  const other =
    tokenEndpointAuthMethod === 'client_secret_post' ? 'client_secret_basic' : 'client_secret_post';
  if (endpoints.as.token_endpoint_auth_methods_supported?.includes(other) === false)
    return undefined;
  return {
    ...endpoints,
    clientAuth: clientAuthFor(other, clientSecret),
    metadata: { ...endpoints.metadata, tokenEndpointAuthMethod: other },
  };
}

/**
 * The scopes a login asks for when none are configured, from the server's
 * metadata: `openid` only of an OpenID Provider (a plain OAuth 2.0 server
 * would be asked for an ID token it never issues), `offline_access` when the
 * metadata lists it (or, listing no scopes, when the server is an OpenID
 * Provider, where it is the standard way to ask for a refresh token). Nothing
 * without metadata.
 *
 * @param endpoints - The resolved endpoints.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function defaultScopes(endpoints: ProviderEndpoints): string[] {
  const supported = endpoints.as.scopes_supported;
  const offline = supported?.includes('offline_access') ?? endpoints.openIdProvider;
  return [...(endpoints.openIdProvider ? ['openid'] : []), ...(offline ? ['offline_access'] : [])];
}

/**
 * Endpoints whose issuer has just been learnt from a verified response: it is
 * compared from now on and stored with the token.
 *
 * @param endpoints - Endpoints whose issuer was `unknown`.
 * @param issuer - The `iss` the provider stated.
 */
export function withLearntIssuer(endpoints: ProviderEndpoints, issuer: string): ProviderEndpoints {
  return {
    ...endpoints,
    as: { ...endpoints.as, issuer },
    metadata: { ...endpoints.metadata, issuer },
    issuer: 'known',
  };
}

/** A fetch that follows same-origin redirects, and only those, a few times. */
function followingSameOrigin(fetch: OAuthFetch): OAuthFetch {
  return async (url, init) => {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, init);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || location === null) return response;
      const next = new URL(location, current);
      if (hop >= MAX_DISCOVERY_REDIRECTS || next.origin !== new URL(current).origin)
        return response;
      current = next.href;
    }
  };
}

/** Metadata and whether it came from OpenID Connect discovery. */
export interface Discovered {
  readonly as: oauth.AuthorizationServer;
  readonly openIdProvider: boolean;
}

/** Whether discovered metadata describes an OpenID Provider (OpenID Connect Discovery §3). */
function isOpenIdProvider(as: oauth.AuthorizationServer, algorithm: 'oidc' | 'oauth2'): boolean {
  return algorithm === 'oidc' || as.scopes_supported?.includes('openid') === true;
}

/** One discovery request (OIDC or RFC 8414), with the issuer check of RFC 8414 §3.3. */
async function fetchMetadata(
  issuer: URL,
  algorithm: 'oidc' | 'oauth2',
  fetch: OAuthFetch,
  requested: string[],
): Promise<Discovered> {
  const recording: OAuthFetch = (url, init) => {
    requested.push(url);
    return fetch(url, init);
  };
  const response = await oauth.discoveryRequest(issuer, {
    algorithm,
    [oauth.customFetch]: followingSameOrigin(recording),
    ...(issuer.protocol === 'http:' && { [oauth.allowInsecureRequests]: true }),
  });
  const as = await oauth.processDiscoveryResponse(issuer, response);
  return { as, openIdProvider: isOpenIdProvider(as, algorithm) };
}

/**
 * Fetches the provider's metadata (OpenID Connect discovery, then RFC 8414),
 * checking that its `issuer` equals `issuer` exactly (RFC 8414 §3.3). When
 * both fail, the error lists every attempt's URL and failure. Exported for
 * clients that must read the metadata before they have a client id (MCP
 * dynamic registration).
 *
 * @param issuer - The issuer identifier.
 * @param fetch - The fetch to use.
 * @throws {@link AuthenticationError} naming every document tried and why it failed.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export async function discover(issuer: URL, fetch: OAuthFetch): Promise<Discovered> {
  const failures: { url: string; error: AuthenticationError }[] = [];
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    const requested: string[] = [];
    try {
      return await fetchMetadata(issuer, algorithm, fetch, requested);
    } catch (error) {
      failures.push({
        url: requested[0] ?? algorithm,
        error: toAuthenticationError(error, 'the discovery endpoint'),
      });
    }
  }
  const telling =
    failures.find(({ error }) => error.status !== 404 && error.status !== undefined) ?? failures[0];
  throw new AuthenticationError(
    telling?.error.code ?? AuthErrorCode.INVALID_RESPONSE,
    `Discovery of ${issuer.href} failed: ${failures
      .map(({ url, error }) => `${url}: ${error.summary}`)
      .join(' ')}`,
    {
      cause: telling?.error,
      fix: 'check the issuer (CLAUDE_OAUTH_ISSUER); it must equal the "issuer" in the provider\'s metadata',
      ...(telling?.error.status !== undefined && { status: telling.error.status }),
    },
  );
}

/**
 * The issuers an authorization server at these endpoints may have: each path
 * prefix of the authorization URL (token URL without one), longest first, the
 * origin last. Keycloak `…/realms/N/protocol/openid-connect/auth` gives
 * `…/realms/N/protocol/openid-connect`, `…/realms/N/protocol`, `…/realms/N`, ….
 */
function issuerCandidates(config: OAuthConfig): URL[] {
  const endpoint = config.authorizeUrl ?? config.tokenUrl;
  if (endpoint === undefined) return [];
  const segments = endpoint.pathname.split('/').filter(Boolean);
  const candidates: URL[] = [];
  for (let n = segments.length - 1; n >= 0; n--)
    candidates.push(new URL(`${endpoint.origin}/${segments.slice(0, n).join('/')}`));
  return candidates.slice(0, MAX_ISSUER_CANDIDATES);
}

const sameUrl = (a: string | undefined, b: URL | undefined) =>
  a !== undefined && b !== undefined && URL.canParse(a) && new URL(a).href === b.href;

/**
 * Looks for the metadata of the server behind explicitly configured endpoints:
 * a candidate issuer counts only when its metadata's `issuer` equals it
 * (RFC 8414 §3.3) and it names the configured token or authorization endpoint,
 * so the issuer is the one that operates the endpoints the code will go to.
 */
async function discoverFromEndpoints(
  config: OAuthConfig,
  fetch: OAuthFetch,
): Promise<Discovered | undefined> {
  // All at once, kept in order of preference: one after another, a server that never
  // answers unknown paths held the login for every candidate's full HTTP timeout.
  const found = await Promise.all(
    issuerCandidates(config).flatMap((candidate) =>
      (['oidc', 'oauth2'] as const).map((algorithm) =>
        fetchMetadata(candidate, algorithm, fetch, []).catch(() => undefined),
      ),
    ),
  );
  return found.find(
    (metadata) =>
      metadata !== undefined &&
      (sameUrl(metadata.as.token_endpoint, config.tokenUrl) ||
        sameUrl(metadata.as.authorization_endpoint, config.authorizeUrl)),
  );
}

function insecureDiscovered(field: string, url: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.INVALID_RESPONSE,
    `The provider's metadata names a plain-http ${field} off this machine (${url}); claude-auth sends nothing there.`,
    { fix: "ask the provider's administrator for https endpoints, or configure them explicitly" },
  );
}

function insecureStored(field: string, url: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The stored login names a plain-http ${field} off this machine (${url}); claude-auth sends nothing there.`,
    { fix: 'log in again with an https provider: claude-auth login' },
  );
}

/** Options for {@link resolveProviderEndpoints}. */
export interface ResolveEndpointsOptions {
  /**
   * The provider metadata stored by this profile's previous login. Its issuer,
   * when it was learnt for the same client and token endpoint, is enforced.
   */
  previous?: ProviderMetadata | undefined;
}

/**
 * Resolves a configuration to endpoints. The issuer is, in order: the
 * configured one (its metadata discovered and checked, RFC 8414 §3.3); one
 * discovered from the authorization URL's path prefixes whose metadata names
 * the configured endpoints; the one stored by a previous login to the same
 * endpoints; or unknown, to be learnt from the login's first verified `iss`.
 * Explicit URLs in the configuration override discovered ones. Every endpoint
 * must be https or loopback http, each judged on its own.
 *
 * @param config - The provider configuration.
 * @param fetch - The fetch to use (see `createOAuthFetch`).
 * @param options - See {@link ResolveEndpointsOptions}.
 * @throws {@link AuthenticationError} `TOKEN_ENDPOINT_ERROR` / `INVALID_RESPONSE` when
 *   discovery fails or the metadata names an insecure endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.4
 */
export async function resolveProviderEndpoints(
  config: OAuthConfig,
  fetch: OAuthFetch,
  options: ResolveEndpointsOptions = {},
): Promise<ProviderEndpoints> {
  const discovered =
    config.issuer === undefined
      ? await discoverFromEndpoints(config, fetch)
      : await discover(config.issuer, fetch);
  const explicit = Object.fromEntries(
    Object.entries({
      authorization_endpoint: config.authorizeUrl?.href,
      token_endpoint: config.tokenUrl?.href,
      revocation_endpoint: config.revocationUrl?.href,
      device_authorization_endpoint: config.deviceAuthorizationUrl?.href,
    }).filter(([, value]) => value !== undefined),
  );
  const previous = options.previous;
  const pinned =
    previous?.issuer !== undefined &&
    previous.clientId === config.clientId &&
    sameUrl(previous.tokenEndpoint, config.tokenUrl)
      ? previous.issuer
      : undefined;
  const issuer = discovered?.as.issuer ?? pinned;
  const as: oauth.AuthorizationServer = {
    // An unknown issuer needs a placeholder for oauth4webapi; it is replaced
    // before any comparison (see withLearntIssuer) and never stored or shown.
    issuer: issuer ?? 'urn:claude-auth:issuer-not-yet-known',
    ...discovered?.as,
    ...explicit,
  };
  // Configured URLs were checked by OAuthConfig; whatever fails here came from the metadata.
  assertSecureEndpoints(as, insecureDiscovered);
  return build({
    as,
    issuer: config.issuer !== undefined ? 'configured' : issuer !== undefined ? 'known' : 'unknown',
    openIdProvider: discovered?.openIdProvider ?? false,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authMethod: config.tokenEndpointAuthMethod,
    apiBaseUrl: config.apiBaseUrl?.href,
    resource: config.resource?.href,
    fetch,
  });
}

/**
 * Rebuilds endpoints from what was stored with a token, so refresh and
 * revocation need no configuration or environment. A stored plain-http
 * endpoint off loopback is refused.
 *
 * @param metadata - The token's provider metadata.
 * @param fetch - The fetch to use.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for an insecure stored endpoint.
 */
export function endpointsFromMetadata(
  metadata: ProviderMetadata,
  fetch: OAuthFetch,
): ProviderEndpoints {
  const as: oauth.AuthorizationServer = {
    issuer: metadata.issuer ?? 'urn:claude-auth:issuer-not-yet-known',
    token_endpoint: metadata.tokenEndpoint,
    ...(metadata.revocationEndpoint !== undefined && {
      revocation_endpoint: metadata.revocationEndpoint,
    }),
    ...(metadata.idTokenSigningAlgValuesSupported !== undefined && {
      id_token_signing_alg_values_supported: [...metadata.idTokenSigningAlgValuesSupported],
    }),
    ...(metadata.tokenEndpointAuthMethodsSupported !== undefined && {
      token_endpoint_auth_methods_supported: [...metadata.tokenEndpointAuthMethodsSupported],
    }),
  };
  assertSecureEndpoints(as, insecureStored);
  return build({
    as,
    issuer: metadata.issuer === undefined ? 'unknown' : 'known',
    // Only a login chooses scopes by it; a refresh asks for none and validates any ID token sent.
    openIdProvider: false,
    clientId: metadata.clientId,
    clientSecret: metadata.clientSecret,
    authMethod: metadata.tokenEndpointAuthMethod,
    apiBaseUrl: metadata.apiBaseUrl,
    resource: metadata.resource,
    registration: metadata.registration,
    fetch,
  });
}
