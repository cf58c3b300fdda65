import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { isLoopbackHost } from './loopback.js';
import { toAuthenticationError } from './oauth-errors.js';

function usesLoopbackHttp(urls) {
  return urls.some(
    (url) =>
      url !== undefined &&
      new URL(url).protocol === 'http:' &&
      isLoopbackHost(new URL(url).hostname),
  );
}
function build(as, clientId, clientSecret, fetch, apiBaseUrl, issuerKnown) {
  const tokenEndpoint = as.token_endpoint;
  if (tokenEndpoint === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `The provider ${as.issuer} advertises no token endpoint.`,
      {
        fix: 'set tokenUrl (CLAUDE_OAUTH_TOKEN_URL)',
      },
    );
  }
  const endpoints = [
    as.issuer,
    as.authorization_endpoint,
    tokenEndpoint,
    as.revocation_endpoint,
    as.device_authorization_endpoint,
  ];
  const metadata = {
    clientId,
    tokenEndpoint,
    ...(issuerKnown && { issuer: as.issuer }),
    ...(clientSecret !== undefined && { clientSecret }),
    ...(as.revocation_endpoint !== undefined && { revocationEndpoint: as.revocation_endpoint }),
    ...(apiBaseUrl !== undefined && { apiBaseUrl }),
  };
  return {
    as,
    client: { client_id: clientId },
    // RFC 6749 §2.3.1: Basic is what every server must support for confidential clients.
    clientAuth: clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(clientSecret),
    http: {
      [oauth.customFetch]: fetch,
      ...(usesLoopbackHttp(endpoints) && { [oauth.allowInsecureRequests]: true }),
    },
    metadata,
  };
}
/**
 * Fetches the provider's metadata (OpenID Connect discovery, then RFC 8414),
 * checking that the metadata's `issuer` equals the configured one exactly
 * (RFC 8414 §3.3).
 */
async function discover(issuer, fetch) {
  const http = {
    [oauth.customFetch]: fetch,
    ...(issuer.protocol === 'http:' && { [oauth.allowInsecureRequests]: true }),
  };
  let lastError;
  for (const algorithm of ['oidc', 'oauth2']) {
    try {
      const response = await oauth.discoveryRequest(issuer, { ...http, algorithm });
      return await oauth.processDiscoveryResponse(issuer, response);
    } catch (error) {
      lastError = error;
    }
  }
  throw toAuthenticationError(lastError, `the discovery endpoint of ${issuer.href}`);
}
/**
 * Resolves a configuration to endpoints: discovered from `issuer` when given
 * (explicit URLs in the configuration override the metadata), otherwise
 * exactly the configured URLs.
 *
 * @param config - The provider configuration.
 * @param fetch - The fetch to use (see `createOAuthFetch`).
 * @throws {@link AuthenticationError} `TOKEN_ENDPOINT_ERROR` / `INVALID_RESPONSE` when discovery fails.
 */
export async function resolveProviderEndpoints(config, fetch) {
  const discovered = config.issuer === undefined ? undefined : await discover(config.issuer, fetch);
  const explicit = Object.fromEntries(
    Object.entries({
      authorization_endpoint: config.authorizeUrl?.href,
      token_endpoint: config.tokenUrl?.href,
      revocation_endpoint: config.revocationUrl?.href,
      device_authorization_endpoint: config.deviceAuthorizationUrl?.href,
    }).filter(([, value]) => value !== undefined),
  );
  const as = {
    // Without discovery there is no issuer to check ID tokens and `iss` against;
    // the token endpoint's origin stands in, and no `openid` scope is requested by default.
    issuer: discovered?.issuer ?? config.tokenUrl?.origin ?? '',
    ...discovered,
    ...explicit,
  };
  return build(
    as,
    config.clientId,
    config.clientSecret,
    fetch,
    config.apiBaseUrl?.href,
    discovered !== undefined,
  );
}
/**
 * Rebuilds endpoints from what was stored with a token, so refresh and
 * revocation need no configuration or environment.
 *
 * @param metadata - The token's provider metadata.
 * @param fetch - The fetch to use.
 */
export function endpointsFromMetadata(metadata, fetch) {
  const as = {
    issuer: metadata.issuer ?? new URL(metadata.tokenEndpoint).origin,
    token_endpoint: metadata.tokenEndpoint,
    ...(metadata.revocationEndpoint !== undefined && {
      revocation_endpoint: metadata.revocationEndpoint,
    }),
  };
  return build(
    as,
    metadata.clientId,
    metadata.clientSecret,
    fetch,
    metadata.apiBaseUrl,
    metadata.issuer !== undefined,
  );
}
