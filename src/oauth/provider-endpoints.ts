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
 * Whether RFC 6749 §2.3.1's form-encoding of Basic credentials changes the
 * client id (oauth4webapi encodes `-_.!~*'()` and spaces too). Servers disagree
 * on decoding such ids: glewlwyd reads `cli%2Dconf` literally and refuses it.
 * Only the id is judged: base64url secrets nearly always hold `-` or `_`, and
 * switching every such client to `client_secret_post` would break servers that
 * enforce the method a client was registered with.
 */
function idAlteredByBasicEncoding(clientId: string): boolean {
  return /[-_.!~*'() ]/.test(clientId) || encodeURIComponent(clientId) !== clientId;
}

/**
 * The client authentication to use (RFC 6749 §2.3.1): the configured method;
 * else, for a confidential client, `client_secret_basic` when the metadata
 * lists it (or lists nothing: RFC 8414 §2's default) — unless Basic's
 * encoding would alter the client id and the metadata also lists
 * `client_secret_post` — else `client_secret_post`.
 */
function chooseAuthMethod(
  configured: TokenEndpointAuthMethod | undefined,
  clientId: string,
  clientSecret: string | undefined,
  supported: readonly string[] | undefined,
): TokenEndpointAuthMethod {
  if (clientSecret === undefined) return 'none';
  if (configured !== undefined) return configured;
  const post = supported?.includes('client_secret_post') === true;
  if (post && idAlteredByBasicEncoding(clientId)) return 'client_secret_post';
  if (supported === undefined || supported.includes('client_secret_basic'))
    return 'client_secret_basic';
  return post ? 'client_secret_post' : 'client_secret_basic';
}

function clientAuthFor(
  method: TokenEndpointAuthMethod,
  clientSecret: string | undefined,
): oauth.ClientAuth {
  if (method === 'none' || clientSecret === undefined) return oauth.None();
  return method === 'client_secret_post'
    ? oauth.ClientSecretPost(clientSecret)
    : oauth.ClientSecretBasic(clientSecret);
}

interface BuildInput {
  as: oauth.AuthorizationServer;
  issuer: ProviderEndpoints['issuer'];
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
    clientId,
    clientSecret,
    as.token_endpoint_auth_methods_supported,
  );
  const metadata: ProviderMetadata = {
    clientId,
    tokenEndpoint,
    ...(input.issuer !== 'unknown' && { issuer: as.issuer }),
    ...(clientSecret !== undefined && { clientSecret, tokenEndpointAuthMethod: method }),
    ...(as.revocation_endpoint !== undefined && { revocationEndpoint: as.revocation_endpoint }),
    ...(input.apiBaseUrl !== undefined && { apiBaseUrl: input.apiBaseUrl }),
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
  };
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

/** One discovery request (OIDC or RFC 8414), with the issuer check of RFC 8414 §3.3. */
async function fetchMetadata(
  issuer: URL,
  algorithm: 'oidc' | 'oauth2',
  fetch: OAuthFetch,
  requested: string[],
): Promise<oauth.AuthorizationServer> {
  const recording: OAuthFetch = (url, init) => {
    requested.push(url);
    return fetch(url, init);
  };
  const response = await oauth.discoveryRequest(issuer, {
    algorithm,
    [oauth.customFetch]: followingSameOrigin(recording),
    ...(issuer.protocol === 'http:' && { [oauth.allowInsecureRequests]: true }),
  });
  return oauth.processDiscoveryResponse(issuer, response);
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
export async function discover(issuer: URL, fetch: OAuthFetch): Promise<oauth.AuthorizationServer> {
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
): Promise<oauth.AuthorizationServer | undefined> {
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
      (sameUrl(metadata.token_endpoint, config.tokenUrl) ||
        sameUrl(metadata.authorization_endpoint, config.authorizeUrl)),
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
  const issuer = discovered?.issuer ?? pinned;
  const as: oauth.AuthorizationServer = {
    // An unknown issuer needs a placeholder for oauth4webapi; it is replaced
    // before any comparison (see withLearntIssuer) and never stored or shown.
    issuer: issuer ?? 'urn:claude-auth:issuer-not-yet-known',
    ...discovered,
    ...explicit,
  };
  // Configured URLs were checked by OAuthConfig; whatever fails here came from the metadata.
  assertSecureEndpoints(as, insecureDiscovered);
  return build({
    as,
    issuer: config.issuer !== undefined ? 'configured' : issuer !== undefined ? 'known' : 'unknown',
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
  };
  assertSecureEndpoints(as, insecureStored);
  return build({
    as,
    issuer: metadata.issuer === undefined ? 'unknown' : 'known',
    clientId: metadata.clientId,
    clientSecret: metadata.clientSecret,
    authMethod: metadata.tokenEndpointAuthMethod,
    apiBaseUrl: metadata.apiBaseUrl,
    resource: metadata.resource,
    registration: metadata.registration,
    fetch,
  });
}
