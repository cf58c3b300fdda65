import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import * as oauth from 'oauth4webapi';
import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import { afterDelay, MAX_TIMER_DELAY_MS } from '../platform/timers.js';
import type { AuthToken, ProviderMetadata } from '../token/auth-token.js';
import { type BrowserOpener, systemBrowserOpener } from './browser-opener.js';
import { sendWithClientAuthentication } from './client-authentication.js';
import { createOAuthFetch, type OAuthFetch } from './http-client.js';
import { listenForCallback } from './loopback-listener.js';
import type { OAuthConfig } from './oauth-config.js';
import { toAuthenticationError } from './oauth-errors.js';
import { parsePastedResponse } from './pasted-response.js';
import {
  defaultScopes,
  type ProviderEndpoints,
  resolveProviderEndpoints,
  resourceParameters,
  withLearntIssuer,
} from './provider-endpoints.js';
import {
  accountFromClaims,
  peekIdTokenIssuer,
  prepareTokenResponse,
  tokenFromResponse,
} from './token-response.js';

/** How long a browser login may take before it fails with `LOGIN_TIMEOUT`. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;
/** RFC 8628 §3.2: the polling interval when the server names none. */
const DEFAULT_DEVICE_INTERVAL_S = 5;
/** RFC 8628 §3.5: how much `slow_down` adds to the interval. */
const SLOW_DOWN_INCREMENT_S = 5;

/** What {@link OAuthFlow} uses from its surroundings; each is replaceable for tests and embedding. */
export interface OAuthFlowOptions {
  /** The fetch for OAuth requests (default: `createOAuthFetch()`, proxy-aware, bounded). */
  fetch?: OAuthFetch;
  /** Opens the authorization URL (default: `$BROWSER`, else the platform opener). */
  openBrowser?: BrowserOpener;
  /** Where a pasted redirect URL or code is read from when no browser opens (default stdin). */
  input?: NodeJS.ReadableStream;
  /** Where instructions for the user go (default stderr, keeping stdout for data). */
  output?: NodeJS.WritableStream;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** Waits between device-flow polls. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Options for one login. */
export interface OAuthLoginOptions {
  /** Cancels the login (`LOGIN_ABORTED`). */
  signal?: AbortSignal;
  /** Default 5 minutes (`DEFAULT_LOGIN_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Do not try to open a browser: print the URL and accept a pasted redirect URL or code. */
  noBrowser?: boolean;
  /** Told the authorization URL (or the device verification URL) once it is known. */
  onAuthorizationUrl?: (url: string) => void;
  /**
   * The provider metadata stored by this profile's previous login: an issuer it
   * learnt for the same client and token endpoint is enforced on this login.
   */
  previousProvider?: ProviderMetadata | undefined;
}

function loginTimeout(ms: number): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.LOGIN_TIMEOUT,
    `The login did not complete within ${Math.round(ms / 1000)} s.`,
    {
      fix: 'run the login again; if the browser did not open, use --no-browser and open the printed URL yourself',
    },
  );
}

function deviceCodeExpired(cause?: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.DEVICE_CODE_EXPIRED,
    'The device code expired before the sign-in was approved.',
    {
      fix: 'run the login again and approve it sooner',
      ...(cause !== undefined && { cause }),
    },
  );
}

function aborted(reason: unknown): AuthenticationError {
  return new AuthenticationError(AuthErrorCode.LOGIN_ABORTED, 'The login was cancelled.', {
    cause: reason,
  });
}

/** When a login must stop: on timeout or abort. */
interface Stopper {
  /** Rejects with `LOGIN_TIMEOUT` or `LOGIN_ABORTED`. */
  readonly stopped: Promise<never>;
  /** Aborted when `stopped` rejects: ends the requests still in flight. */
  readonly signal: AbortSignal;
  /** The login is over: no timeout any more. */
  readonly cancel: () => void;
}

function stopper(timeoutMs: number, signal: AbortSignal | undefined): Stopper {
  const controller = new AbortController();
  const halt = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    const stop = (error: AuthenticationError) => {
      reject(error);
      halt.abort(error);
    };
    const cancelDeadline = afterDelay(timeoutMs, () => stop(loginTimeout(timeoutMs)));
    const onAbort = () => stop(aborted(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    controller.signal.addEventListener('abort', () => {
      cancelDeadline();
      signal?.removeEventListener('abort', onAbort);
    });
  });
  stopped.catch(() => undefined);
  return { stopped, signal: halt.signal, cancel: () => controller.abort() };
}

function issuerMismatch(cause: unknown, endpoints: ProviderEndpoints): AuthenticationError {
  // Never name an issuer the user did not configure: a learnt one may be the attacker's.
  return new AuthenticationError(
    AuthErrorCode.ISSUER_MISMATCH,
    'The authorization response came from an unexpected issuer (RFC 9207); it was discarded.',
    {
      cause,
      fix:
        endpoints.issuer === 'configured'
          ? 'check the configured issuer (CLAUDE_OAUTH_ISSUER), then log in again'
          : "set CLAUDE_OAUTH_ISSUER to the issuer your provider documents, then log in again (or log out first if the provider's issuer changed)",
    },
  );
}

function isIssuerError(error: unknown): boolean {
  return error instanceof oauth.OperationProcessingError && error.message.includes('"iss"');
}

function authorizationResponseError(
  error: unknown,
  endpoints: ProviderEndpoints,
): AuthenticationError {
  if (error instanceof oauth.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    const fields = {
      error: error.error,
      ...(error.error_description !== undefined && { error_description: error.error_description }),
    };
    return error.error === 'access_denied'
      ? new AuthenticationError(
          AuthErrorCode.ACCESS_DENIED,
          `The authorization was denied${description}.`,
          {
            cause: error,
            oauthError: fields,
            fix: 'run the login again and approve the request',
          },
        )
      : new AuthenticationError(
          AuthErrorCode.AUTHORIZATION_ERROR,
          `The provider returned "${error.error}"${description}.`,
          {
            cause: error,
            oauthError: fields,
          },
        );
  }
  if (isIssuerError(error)) return issuerMismatch(error, endpoints);
  if (error instanceof oauth.OperationProcessingError && error.message.includes('"state"')) {
    return new AuthenticationError(
      AuthErrorCode.STATE_MISMATCH,
      'The authorization response does not belong to this login (state mismatch); it was discarded.',
      { cause: error, fix: 'log in again, and paste only the URL of this login' },
    );
  }
  return toAuthenticationError(error, 'the authorization response');
}

/**
 * The OAuth 2.0 authorization code flow for a native app (the guide's
 * `OAuthFlow`), on oauth4webapi: PKCE with S256 always (RFC 7636, RFC 9700
 * §2.1.1), a fresh CSPRNG `state` compared exactly, `iss` checked when the
 * server supports RFC 9207, a loopback redirect bound before the browser
 * opens (RFC 8252), and a paste-the-URL fallback when no browser can open.
 * Also the device authorization grant (RFC 8628).
 */
export class OAuthFlow {
  readonly config: OAuthConfig;
  readonly #fetch: OAuthFetch;
  readonly #openBrowser: BrowserOpener;
  readonly #input: NodeJS.ReadableStream;
  readonly #output: NodeJS.WritableStream;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  /**
   * Prepares a login for one provider; nothing is contacted yet.
   *
   * @param config - The provider configuration.
   * @param options - See {@link OAuthFlowOptions}.
   */
  constructor(config: OAuthConfig, options: OAuthFlowOptions = {}) {
    this.config = config;
    this.#fetch = options.fetch ?? createOAuthFetch();
    this.#openBrowser = options.openBrowser ?? systemBrowserOpener();
    this.#input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stderr;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
  }

  /**
   * Logs in through the browser and exchanges the code for tokens.
   *
   * @param options - See {@link OAuthLoginOptions}.
   * @returns The new token, with the provider metadata needed to refresh and revoke it.
   * @throws {@link AuthenticationError} `ACCESS_DENIED`, `AUTHORIZATION_ERROR`,
   *   `ISSUER_MISMATCH`, `STATE_MISMATCH`, `LOGIN_TIMEOUT`, `LOGIN_ABORTED`,
   *   `PORT_IN_USE`, `TOKEN_ENDPOINT_ERROR`, `INVALID_RESPONSE`, `CONFIG_INVALID`.
   * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
   */
  async login(options: OAuthLoginOptions = {}): Promise<AuthToken> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    options.signal?.throwIfAborted();
    // The bound starts with the first request: discovery may try several documents.
    const stop = stopper(timeoutMs, options.signal);
    try {
      return await this.#loginInBrowser(options, stop);
    } finally {
      stop.cancel();
    }
  }

  async #loginInBrowser(options: OAuthLoginOptions, stop: Stopper): Promise<AuthToken> {
    const { stopped } = stop;
    const endpoints = await this.#resolveEndpoints(options, stop);
    const authorizationEndpoint = endpoints.as.authorization_endpoint;
    if (authorizationEndpoint === undefined) {
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        'The provider has no authorization endpoint.',
        {
          fix: 'set authorizeUrl (CLAUDE_OAUTH_AUTHORIZE_URL), or use the device flow (--device)',
        },
      );
    }
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const scopes = this.#scopes(endpoints);
    // OpenID Connect Core §3.1.2.1: a nonce binds the ID token to this login (some servers
    // require it). Only with `openid` is an ID token due, and then required and validated.
    const nonce = scopes.includes('openid') ? oauth.generateRandomNonce() : undefined;
    const listener = await listenForCallback(this.config.redirectUri, state);
    try {
      const url = new URL(authorizationEndpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', this.config.clientId);
      url.searchParams.set('redirect_uri', listener.redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
      url.searchParams.set('code_challenge_method', 'S256');
      if (nonce !== undefined) url.searchParams.set('nonce', nonce);
      if (this.config.resource !== undefined)
        url.searchParams.set('resource', this.config.resource.href);
      if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
      // OpenID Connect Core §11: offline_access is honoured only with prompt=consent.
      if (scopes.includes('offline_access')) url.searchParams.set('prompt', 'consent');
      options.onAuthorizationUrl?.(url.href);

      const opened = options.noBrowser !== true && (await this.#openBrowser(url.href));
      this.#output.write(
        opened
          ? `Opening your browser to sign in. If it does not open, visit:\n  ${url.href}\n`
          : `Open this URL in a browser to sign in:\n  ${url.href}\n`,
      );
      const pasted = opened
        ? undefined
        : this.#readPasted(
            state,
            endpoints.as.authorization_response_iss_parameter_supported === true,
          );
      try {
        const params = await Promise.race([
          listener.callback,
          ...(pasted ? [pasted.response] : []),
          stopped,
        ]);
        return await this.#exchange(endpoints, params, {
          state,
          nonce,
          scopes,
          redirectUri: listener.redirectUri,
          verifier,
          stopped,
        });
      } finally {
        pasted?.stop();
      }
    } finally {
      await listener.close();
    }
  }

  /** The configured scopes, else those the provider's metadata suggests. */
  #scopes(endpoints: ProviderEndpoints): readonly string[] {
    return this.config.scopes ?? defaultScopes(endpoints);
  }

  /** Resolves the endpoints (discovery included) within the login's bound. */
  async #resolveEndpoints(options: OAuthLoginOptions, stop: Stopper): Promise<ProviderEndpoints> {
    const fetch: OAuthFetch = (url, init) =>
      this.#fetch(url, {
        ...init,
        signal: init.signal ? AbortSignal.any([init.signal, stop.signal]) : stop.signal,
      });
    return Promise.race([
      resolveProviderEndpoints(this.config, fetch, { previous: options.previousProvider }),
      stop.stopped,
    ]).catch((error: unknown) => {
      // No browser was involved yet: the generic fix would send the user the wrong way.
      if (!isAuthenticationError(error, AuthErrorCode.LOGIN_TIMEOUT)) throw error;
      throw new AuthenticationError(
        AuthErrorCode.LOGIN_TIMEOUT,
        "The provider's metadata (discovery) did not arrive before the login's time ran out.",
        {
          cause: error,
          fix: 'check the provider address (CLAUDE_OAUTH_ISSUER or CLAUDE_OAUTH_AUTHORIZE_URL) and the network or proxy (HTTPS_PROXY), then log in again',
        },
      );
    });
  }

  /**
   * Logs in with the device authorization grant: shows a code and a URL to
   * open on any device, then polls at the server's interval, slowing down
   * when told to.
   *
   * @param options - See {@link OAuthLoginOptions} (`noBrowser` does not apply).
   * @throws {@link AuthenticationError} `DEVICE_CODE_EXPIRED`, `ACCESS_DENIED`,
   *   `LOGIN_TIMEOUT`, `LOGIN_ABORTED`, `TOKEN_ENDPOINT_ERROR`, `CONFIG_INVALID`.
   * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
   */
  async loginWithDevice(options: OAuthLoginOptions = {}): Promise<AuthToken> {
    const stop = stopper(options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS, options.signal);
    let endpoints = await this.#resolveEndpoints(options, stop).finally(stop.cancel);
    if (endpoints.as.device_authorization_endpoint === undefined) {
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        'The provider offers no device authorization endpoint.',
        {
          fix: 'log in with the browser instead, or set deviceAuthorizationUrl (CLAUDE_OAUTH_DEVICE_AUTHORIZATION_URL)',
        },
      );
    }
    const scopes = this.#scopes(endpoints);
    const resource = resourceParameters(this.config.resource?.href);
    const parameters: Record<string, string> = {
      ...(scopes.length > 0 && { scope: scopes.join(' ') }),
      ...resource,
    };
    let device: oauth.DeviceAuthorizationResponse;
    try {
      const sent = await sendWithClientAuthentication(
        endpoints,
        ({ as, client, clientAuth, http }) =>
          oauth.deviceAuthorizationRequest(
            as,
            client,
            clientAuth,
            parameters,
            http(as.device_authorization_endpoint),
          ),
      );
      endpoints = sent.endpoints;
      device = await oauth.processDeviceAuthorizationResponse(
        endpoints.as,
        endpoints.client,
        sent.response,
      );
    } catch (error) {
      throw toAuthenticationError(error, 'the device authorization endpoint');
    }
    const link = device.verification_uri_complete ?? device.verification_uri;
    options.onAuthorizationUrl?.(link);
    this.#output.write(
      `To sign in, open ${device.verification_uri} and enter the code ${device.user_code}\n`,
    );
    if (device.verification_uri_complete)
      this.#output.write(`(or open ${device.verification_uri_complete})\n`);

    const deadline =
      this.#now() +
      Math.min(device.expires_in * 1000, options.timeoutMs ?? Number.POSITIVE_INFINITY);
    let intervalS = device.interval ?? DEFAULT_DEVICE_INTERVAL_S;
    const secrets: (string | undefined)[] = [device.device_code];
    for (;;) {
      try {
        // A server's interval beyond setTimeout's range (2^31-1 ms) would fire after 1 ms:
        // polling in a tight loop. Such a wait outlives any device code anyway.
        await this.#sleep(Math.min(intervalS * 1000, MAX_TIMER_DELAY_MS), options.signal);
      } catch (error) {
        throw aborted(error);
      }
      if (this.#now() >= deadline) throw deviceCodeExpired();
      try {
        const sent = await sendWithClientAuthentication(
          endpoints,
          ({ as, client, clientAuth, http }) =>
            oauth.deviceCodeGrantRequest(as, client, clientAuth, device.device_code, {
              ...http(as.token_endpoint),
              additionalParameters: resource,
            }),
        );
        endpoints = sent.endpoints;
        const { response, credentials } = await prepareTokenResponse(sent.response);
        secrets.push(...credentials);
        endpoints = await learnIssuerFromIdToken(endpoints, response);
        const result = await oauth.processDeviceCodeResponse(
          endpoints.as,
          endpoints.client,
          response,
        );
        return await this.#withUserInfo(
          endpoints,
          tokenFromResponse(result, endpoints.metadata, scopes, this.#now()),
        );
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError) {
          if (error.error === 'authorization_pending') continue;
          if (error.error === 'slow_down') {
            intervalS += SLOW_DOWN_INCREMENT_S;
            continue;
          }
          if (error.error === 'expired_token') throw deviceCodeExpired(error);
          if (error.error === 'access_denied') {
            throw new AuthenticationError(
              AuthErrorCode.ACCESS_DENIED,
              'The sign-in was denied on the device page.',
              {
                cause: error,
                fix: 'run the login again and approve the request',
              },
            );
          }
        }
        throw toAuthenticationError(error, 'the token endpoint', secrets);
      }
    }
  }

  async #exchange(
    resolved: ProviderEndpoints,
    params: URLSearchParams,
    login: {
      state: string;
      nonce: string | undefined;
      scopes: readonly string[];
      redirectUri: string;
      verifier: string;
      stopped: Promise<never>;
    },
  ): Promise<AuthToken> {
    let endpoints = resolved;
    // An issuer nobody configured is learnt from this login's response (RFC 9207 `iss`),
    // and the ID token from the token endpoint must then confirm it.
    const iss = params.get('iss');
    if (endpoints.issuer === 'unknown' && iss && learnable(iss, endpoints))
      endpoints = withLearntIssuer(endpoints, iss);
    let validated: URLSearchParams;
    try {
      validated = oauth.validateAuthResponse(endpoints.as, endpoints.client, params, login.state);
    } catch (error) {
      throw authorizationResponseError(error, endpoints);
    }
    const secrets = [validated.get('code') ?? undefined, login.verifier];
    try {
      const exchange = (async () => {
        const sent = await sendWithClientAuthentication(
          endpoints,
          ({ as, client, clientAuth, http }) =>
            oauth.authorizationCodeGrantRequest(
              as,
              client,
              clientAuth,
              validated,
              login.redirectUri,
              login.verifier,
              {
                ...http(as.token_endpoint),
                additionalParameters: resourceParameters(this.config.resource?.href),
              },
            ),
        );
        endpoints = sent.endpoints;
        const { response, credentials } = await prepareTokenResponse(sent.response);
        secrets.push(...credentials);
        endpoints = await learnIssuerFromIdToken(endpoints, response);
        return oauth.processAuthorizationCodeResponse(endpoints.as, endpoints.client, response, {
          ...(login.nonce !== undefined && { expectedNonce: login.nonce }),
        });
      })();
      const result = await Promise.race([exchange, login.stopped]);
      const token = tokenFromResponse(result, endpoints.metadata, login.scopes, this.#now());
      return await this.#withUserInfo(endpoints, token);
    } catch (error) {
      if (isIssuerError(error)) throw issuerMismatch(error, endpoints);
      throw toAuthenticationError(error, 'the token endpoint', secrets);
    }
  }

  /**
   * Adds the user's email and name from the UserInfo endpoint (OpenID Connect
   * Core §5.3) when the ID token did not carry them. Only for display, so a
   * failure leaves the token as it is.
   */
  async #withUserInfo(endpoints: ProviderEndpoints, token: AuthToken): Promise<AuthToken> {
    const { as, client, http } = endpoints;
    const subject = token.account?.subject;
    if (
      as.userinfo_endpoint === undefined ||
      subject === undefined ||
      token.account?.email !== undefined
    )
      return token;
    try {
      const response = await oauth.userInfoRequest(
        as,
        client,
        token.accessToken,
        http(as.userinfo_endpoint),
      );
      const claims = await oauth.processUserInfoResponse(as, client, subject, response);
      return token.with({ account: accountFromClaims(claims) });
    } catch {
      return token;
    }
  }

  /**
   * Reads pasted lines until one is a response to this login. When the server
   * names itself in its redirects (RFC 9207), a bare code cannot be checked
   * against mix-up, so only the whole redirect URL is accepted.
   */
  #readPasted(
    state: string,
    issRequired: boolean,
  ): { response: Promise<URLSearchParams>; stop: () => void } {
    this.#output.write(
      issRequired
        ? 'Then paste the whole URL your browser was sent to here and press Enter:\n'
        : 'Then paste the URL your browser was sent to (or the code) here and press Enter:\n',
    );
    const lines = createInterface({ input: this.#input, terminal: false });
    const response = new Promise<URLSearchParams>((resolve) => {
      lines.on('line', (line) => {
        const params = parsePastedResponse(line, state);
        if (params === undefined) {
          if (line.trim() !== '')
            this.#output.write(
              'That is not a redirect URL or code of this login; paste it again:\n',
            );
          return;
        }
        if (issRequired && !params.has('iss') && !params.has('error')) {
          this.#output.write(
            "This provider names itself in the redirect URL (RFC 9207), which a code alone does not carry; paste the whole URL from the browser's address bar:\n",
          );
          return;
        }
        resolve(params);
      });
    });
    return { response, stop: () => lines.close() };
  }
}

/**
 * Whether an `iss` from the authorization response may be learnt: only when it
 * is on the origin of the authorization endpoint the user was sent to. The
 * response comes through the browser, so it is the mix-up attacker's to
 * choose (RFC 9700 §4.4.1): an attacker's authorization endpoint forwards the
 * user to an honest provider, whose code returns with the honest `iss`;
 * learning that would send the code and its PKCE verifier to the attacker's
 * token endpoint. Any other `iss` is left to oauth4webapi, which refuses it.
 */
function learnable(iss: string, endpoints: ProviderEndpoints): boolean {
  const authorization = endpoints.as.authorization_endpoint;
  return (
    authorization !== undefined &&
    URL.canParse(iss) &&
    new URL(iss).origin === new URL(authorization).origin
  );
}

/**
 * Learns the issuer from the ID token of a token response when nothing else
 * named it; oauth4webapi then validates the ID token against it.
 */
async function learnIssuerFromIdToken(
  endpoints: ProviderEndpoints,
  response: Response,
): Promise<ProviderEndpoints> {
  if (endpoints.issuer !== 'unknown') return endpoints;
  const issuer = await peekIdTokenIssuer(response);
  return issuer === undefined ? endpoints : withLearntIssuer(endpoints, issuer);
}
