import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { TokenEndpointAuthMethod } from '../token/auth-token.js';
import { isLoopbackHost, isSecureEndpoint } from './loopback.js';

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
  tokenEndpointAuthMethod: 'CLAUDE_OAUTH_TOKEN_AUTH_METHOD',
  resource: 'CLAUDE_OAUTH_RESOURCE',
} as const satisfies Record<string, string>;

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

/** The settings of an OAuth 2.0 / OpenID Connect provider. */
export interface OAuthConfigInit {
  /** The client identifier registered with the provider (RFC 6749 §2.2). */
  clientId: string;
  /** The client secret of a confidential client; omit for a public native client (RFC 8252 §8.4). */
  clientSecret?: string;
  /**
   * The issuer, for RFC 8414 / OpenID Connect discovery. When given, endpoints
   * come from its metadata (explicit URLs below still win) and the metadata's
   * `issuer` must equal it exactly.
   */
  issuer?: string;
  /** The authorization endpoint (RFC 6749 §3.1). Required without `issuer`. */
  authorizeUrl?: string;
  /** The token endpoint (RFC 6749 §3.2). Required without `issuer`. */
  tokenUrl?: string;
  /** The token revocation endpoint (RFC 7009). */
  revocationUrl?: string;
  /** The device authorization endpoint (RFC 8628 §3.1). */
  deviceAuthorizationUrl?: string;
  /**
   * A loopback redirect URI (RFC 8252 §7.3): `http://localhost|127.0.0.1|[::1]:PORT/PATH`.
   * Port 0 picks a free port. Default `http://localhost:8089/callback`.
   */
  redirectUri?: string;
  /**
   * Scopes to request. Default: chosen from the provider's metadata — `openid`
   * of an OpenID Provider, `offline_access` when offered (see `defaultScopes`);
   * none without metadata.
   */
  scopes?: readonly string[];
  /** The Claude API base URL the tokens are for (a gateway); set as `ANTHROPIC_BASE_URL` for Claude Code. */
  apiBaseUrl?: string;
  /**
   * How the client authenticates (RFC 6749 §2.3.1). Default: `none` without a
   * secret; with one, `client_secret_basic` when the provider's metadata lists it
   * in `token_endpoint_auth_methods_supported` (or lists nothing) unless its
   * form-encoding would alter the client id and `client_secret_post` is
   * listed too, else `client_secret_post`.
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /**
   * The resource server the tokens are for (RFC 8707 §2), sent as `resource` on
   * the authorization, device authorization, token and refresh requests: an MCP
   * server's resource identifier (RFC 9728 `resource`). An absolute https (or
   * loopback http) URI without a fragment.
   */
  resource?: string;
}

function invalid(field: string, problem: string, envName?: string): AuthenticationError {
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
function endpointUrl(value: string, field: string, envName?: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `is not a URL: "${value.slice(0, 200)}"`, envName);
  }
  if (!isSecureEndpoint(url)) {
    throw invalid(
      field,
      `must use https (http is allowed only for localhost): "${url.origin}"`,
      envName,
    );
  }
  if (url.hash !== '') throw invalid(field, 'must not contain a fragment', envName);
  return url;
}

function redirectUrl(value: string, envName?: string): URL {
  let url: URL;
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
  // Not `url.search`/`url.hash`: both are '' for an empty query or fragment (`…/callback#`),
  // which is still one (RFC 6749 §3.1.2: no fragment); `?` and `#` appear in href only as delimiters.
  if (/[?#]/.test(url.href)) {
    throw invalid('redirectUri', 'must not contain a query or fragment', envName);
  }
  return url;
}

function authMethod(
  init: OAuthConfigInit,
  envName: string | undefined,
): TokenEndpointAuthMethod | undefined {
  const method = init.tokenEndpointAuthMethod;
  if (method === undefined) return undefined;
  if (!AUTH_METHODS.includes(method))
    throw invalid('tokenEndpointAuthMethod', `must be one of ${AUTH_METHODS.join(', ')}`, envName);
  const hasSecret = init.clientSecret !== undefined && init.clientSecret !== '';
  if ((method === 'none') === hasSecret)
    throw invalid(
      'tokenEndpointAuthMethod',
      hasSecret
        ? 'is "none" but a client secret is set'
        : `is "${method}" but no client secret is set`,
      envName,
    );
  return method;
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
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly issuer: URL | undefined;
  readonly authorizeUrl: URL | undefined;
  readonly tokenUrl: URL | undefined;
  readonly revocationUrl: URL | undefined;
  readonly deviceAuthorizationUrl: URL | undefined;
  readonly redirectUri: URL;
  /** The configured scopes; `undefined`: chosen from the provider's metadata at login. */
  readonly scopes: readonly string[] | undefined;
  readonly apiBaseUrl: URL | undefined;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod | undefined;
  readonly resource: URL | undefined;

  /**
   * @param init - See {@link OAuthConfigInit}.
   * @param envNames - For messages: the environment variable behind each field.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the field.
   */
  constructor(
    init: OAuthConfigInit,
    envNames: Partial<Record<keyof OAuthConfigInit, string>> = {},
  ) {
    if (typeof init.clientId !== 'string' || init.clientId.trim() === '') {
      throw invalid('clientId', 'is missing', envNames.clientId);
    }
    const url = (field: keyof OAuthConfigInit, value: string | undefined) =>
      value === undefined ? undefined : endpointUrl(value, field, envNames[field]);
    this.clientId = init.clientId;
    this.clientSecret = init.clientSecret === '' ? undefined : init.clientSecret;
    this.issuer = url('issuer', init.issuer);
    this.authorizeUrl = url('authorizeUrl', init.authorizeUrl);
    this.tokenUrl = url('tokenUrl', init.tokenUrl);
    this.revocationUrl = url('revocationUrl', init.revocationUrl);
    this.deviceAuthorizationUrl = url('deviceAuthorizationUrl', init.deviceAuthorizationUrl);
    this.apiBaseUrl = url('apiBaseUrl', init.apiBaseUrl);
    this.resource = url('resource', init.resource);
    this.tokenEndpointAuthMethod = authMethod(init, envNames.tokenEndpointAuthMethod);
    this.redirectUri = redirectUrl(init.redirectUri ?? DEFAULT_REDIRECT_URI, envNames.redirectUri);
    if (this.issuer === undefined && this.tokenUrl === undefined) {
      throw invalid(
        'tokenUrl',
        'is missing (give it, or an issuer to discover it from)',
        envNames.tokenUrl,
      );
    }
    this.scopes = init.scopes === undefined ? undefined : Object.freeze([...init.scopes]);
    Object.freeze(this);
  }

  /**
   * The configuration as JSON, the client secret replaced by `[REDACTED]`: a
   * logged or serialised configuration must not hand out the credential
   * (RFC 6749 §2.3.1 treats it as one).
   */
  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      ...(this.clientSecret !== undefined && { clientSecret: '[REDACTED]' }),
      issuer: this.issuer?.href,
      authorizeUrl: this.authorizeUrl?.href,
      tokenUrl: this.tokenUrl?.href,
      revocationUrl: this.revocationUrl?.href,
      deviceAuthorizationUrl: this.deviceAuthorizationUrl?.href,
      redirectUri: this.redirectUri.href,
      scopes: this.scopes,
      apiBaseUrl: this.apiBaseUrl?.href,
      tokenEndpointAuthMethod: this.tokenEndpointAuthMethod,
    };
  }

  /** What `util.inspect` and `console.log` show: {@link OAuthConfig.toJSON}, never the secret. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `OAuthConfig ${JSON.stringify(this.toJSON())}`;
  }

  /**
   * Reads a configuration from the environment: the guide's
   * `CLAUDE_OAUTH_CLIENT_ID`, `CLAUDE_OAUTH_CLIENT_SECRET`,
   * `CLAUDE_OAUTH_REDIRECT_URI`, `CLAUDE_OAUTH_AUTHORIZE_URL`,
   * `CLAUDE_OAUTH_TOKEN_URL`, and `CLAUDE_OAUTH_ISSUER`, `CLAUDE_OAUTH_SCOPES`
   * (space-separated), `CLAUDE_OAUTH_REVOCATION_URL`,
   * `CLAUDE_OAUTH_DEVICE_AUTHORIZATION_URL`, `CLAUDE_OAUTH_API_BASE_URL`,
   * `CLAUDE_OAUTH_TOKEN_AUTH_METHOD`, `CLAUDE_OAUTH_RESOURCE` (RFC 8707).
   *
   * @param env - The environment (default `process.env`).
   * @returns The configuration, or `undefined` when no `CLAUDE_OAUTH_*` variable is set.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the variable.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OAuthConfig | undefined {
    const read = (name: string) => {
      const value = env[name]?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const values = Object.fromEntries(
      Object.entries(OAUTH_ENV).map(([field, name]) => [field, read(name)]),
    ) as Record<keyof typeof OAUTH_ENV, string | undefined>;
    if (Object.values(values).every((value) => value === undefined)) return undefined;
    const { scopes, ...rest } = values;
    const init = Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    ) as unknown as OAuthConfigInit;
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
