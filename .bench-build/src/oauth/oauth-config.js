import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { isLoopbackHost } from './loopback.js';
/** The redirect URI the guide documents; port 0 means "any free port". */
export const DEFAULT_REDIRECT_URI = 'http://localhost:8089/callback';
/**
 * Environment variables read by {@link OAuthConfig.fromEnv}. The first five are
 * the guide's; the rest are claude-auth's additions.
 */
export const OAUTH_ENV = {
  clientId: 'CLAUDE_OAUTH_CLIENT_ID',
  clientSecret: 'CLAUDE_OAUTH_CLIENT_SECRET',
  redirectUri: 'CLAUDE_OAUTH_REDIRECT_URI',
  authorizeUrl: 'CLAUDE_OAUTH_AUTHORIZE_URL',
  tokenUrl: 'CLAUDE_OAUTH_TOKEN_URL',
  issuer: 'CLAUDE_OAUTH_ISSUER',
  scopes: 'CLAUDE_OAUTH_SCOPES',
  revocationUrl: 'CLAUDE_OAUTH_REVOCATION_URL',
  deviceAuthorizationUrl: 'CLAUDE_OAUTH_DEVICE_AUTHORIZATION_URL',
  apiBaseUrl: 'CLAUDE_OAUTH_API_BASE_URL',
};
function invalid(field, problem, envName) {
  const where = envName === undefined ? field : `${field} (${envName})`;
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `OAuth setting ${where} ${problem}.`,
    {
      fix: envName === undefined ? `correct ${field} in the OAuthConfig` : `correct ${envName}`,
    },
  );
}
/**
 * Parses an endpoint URL: https, or http only to a loopback host (RFC 9700 §2.6,
 * RFC 8252 §8.3), with no fragment.
 */
function endpointUrl(value, field, envName) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `is not a URL: "${value.slice(0, 200)}"`, envName);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw invalid(
      field,
      `must use https (http is allowed only for localhost): "${url.origin}"`,
      envName,
    );
  }
  if (url.hash !== '') throw invalid(field, 'must not contain a fragment', envName);
  return url;
}
function redirectUrl(value, envName) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw invalid('redirectUri', `is not a URL: "${value.slice(0, 200)}"`, envName);
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) {
    throw invalid(
      'redirectUri',
      'must be a loopback http URL such as http://localhost:8089/callback (RFC 8252 §7.3)',
      envName,
    );
  }
  if (url.hash !== '' || url.search !== '') {
    throw invalid('redirectUri', 'must not contain a query or fragment', envName);
  }
  return url;
}
/**
 * The configuration of an OAuth provider (the guide's `OAuthConfig`), checked
 * on construction: every URL parses, endpoints use https unless they are on
 * loopback, and the redirect URI is a loopback one.
 *
 * @example
 * ```ts
 * const config = new OAuthConfig({ clientId: 'my-cli', issuer: 'https://login.example.com' });
 * ```
 */
export class OAuthConfig {
  clientId;
  clientSecret;
  issuer;
  authorizeUrl;
  tokenUrl;
  revocationUrl;
  deviceAuthorizationUrl;
  redirectUri;
  scopes;
  apiBaseUrl;
  /**
   * @param init - See {@link OAuthConfigInit}.
   * @param envNames - For messages: the environment variable behind each field.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the field.
   */
  constructor(init, envNames = {}) {
    if (typeof init.clientId !== 'string' || init.clientId.trim() === '') {
      throw invalid('clientId', 'is missing', envNames.clientId);
    }
    const url = (field, value) =>
      value === undefined ? undefined : endpointUrl(value, field, envNames[field]);
    this.clientId = init.clientId;
    this.clientSecret = init.clientSecret === '' ? undefined : init.clientSecret;
    this.issuer = url('issuer', init.issuer);
    this.authorizeUrl = url('authorizeUrl', init.authorizeUrl);
    this.tokenUrl = url('tokenUrl', init.tokenUrl);
    this.revocationUrl = url('revocationUrl', init.revocationUrl);
    this.deviceAuthorizationUrl = url('deviceAuthorizationUrl', init.deviceAuthorizationUrl);
    this.apiBaseUrl = url('apiBaseUrl', init.apiBaseUrl);
    this.redirectUri = redirectUrl(init.redirectUri ?? DEFAULT_REDIRECT_URI, envNames.redirectUri);
    if (this.issuer === undefined && this.tokenUrl === undefined) {
      throw invalid(
        'tokenUrl',
        'is missing (give it, or an issuer to discover it from)',
        envNames.tokenUrl,
      );
    }
    this.scopes = Object.freeze([
      ...(init.scopes ?? (this.issuer ? ['openid', 'offline_access'] : [])),
    ]);
    Object.freeze(this);
  }
  /**
   * Reads a configuration from the environment: the guide's
   * `CLAUDE_OAUTH_CLIENT_ID`, `CLAUDE_OAUTH_CLIENT_SECRET`,
   * `CLAUDE_OAUTH_REDIRECT_URI`, `CLAUDE_OAUTH_AUTHORIZE_URL`,
   * `CLAUDE_OAUTH_TOKEN_URL`, and `CLAUDE_OAUTH_ISSUER`, `CLAUDE_OAUTH_SCOPES`
   * (space-separated), `CLAUDE_OAUTH_REVOCATION_URL`,
   * `CLAUDE_OAUTH_DEVICE_AUTHORIZATION_URL`, `CLAUDE_OAUTH_API_BASE_URL`.
   *
   * @param env - The environment (default `process.env`).
   * @returns The configuration, or `undefined` when no `CLAUDE_OAUTH_*` variable is set.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the variable.
   */
  static fromEnv(env = process.env) {
    const read = (name) => {
      const value = env[name]?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const values = Object.fromEntries(
      Object.entries(OAUTH_ENV).map(([field, name]) => [field, read(name)]),
    );
    if (Object.values(values).every((value) => value === undefined)) return undefined;
    const { scopes, ...rest } = values;
    const init = Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    );
    return new OAuthConfig(
      {
        ...init,
        clientId: values.clientId ?? '',
        ...(scopes !== undefined && { scopes: scopes.split(/\s+/) }),
      },
      OAUTH_ENV,
    );
  }
}
