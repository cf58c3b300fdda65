import { readClaudeCodeLogin } from '../claude-code/claude-code-login.js';
import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import type { OAuthFetch } from '../oauth/http-client.js';
import type { OAuthConfig } from '../oauth/oauth-config.js';
import type { OAuthFlowOptions } from '../oauth/oauth-flow.js';
import { loginCommand } from '../profile/fix-commands.js';
import type { ProfileOptions } from '../profile/profile-paths.js';
import { credentialStanding } from '../refresh/credential-standing.js';
import { advisoryDueAt } from '../refresh/refresh-policy.js';
import { TokenManager } from '../refresh/token-manager.js';
import { TokenStorage } from '../storage/token-storage.js';
import type { AuthToken } from '../token/auth-token.js';
import { readAnthropicFederation } from './anthropic-federation.js';
import { credentialText, ResolvedCredential } from './resolved-credential.js';

/** Options for {@link ClaudeAuth}. */
export interface ClaudeAuthOptions extends ProfileOptions {
  /** Try OAuth credentials first (the guide's `use_oauth`). Default `true`. */
  useOAuth?: boolean;
  /** An API key: the credential when `useOAuth` is false, the fallback when it is true. */
  apiKey?: string;
  /** Fall back to `apiKey` / `ANTHROPIC_API_KEY` when no OAuth credential exists. Default `true`. */
  apiKeyFallback?: boolean;
  /** Use Claude Code's own login (`claude auth login`) when nothing else is stored. Default `true`. */
  useClaudeCodeLogin?: boolean;
  /**
   * A provider to log in to when the profile has no credential. The login is
   * interactive, so it runs only when `interactiveLogin` allows (default: when
   * stdin is a terminal); otherwise the chain moves on.
   */
  oauthConfig?: OAuthConfig;
  /** Whether a missing login may start an interactive one with `oauthConfig`. */
  interactiveLogin?: boolean;
  /** The browser opener, input and output of that interactive login. */
  loginFlow?: OAuthFlowOptions;
  /** The storage to use instead of the profile's (the guide's multiple-accounts example). */
  tokenStorage?: TokenStorage;
  /** The fetch for refresh requests. */
  fetch?: OAuthFetch;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

/** One link of the resolution chain, as `claude-auth status` shows it. */
export interface ResolutionStep {
  readonly link:
    | 'profile'
    | 'env:CLAUDE_CODE_OAUTH_TOKEN'
    | 'anthropic-federation'
    | 'claude-code-login'
    | 'option'
    | 'env:ANTHROPIC_API_KEY';
  /** `used` answered; `skipped` was not consulted (disabled, or an earlier link answered); `empty` had nothing; `failed` had something unusable. */
  readonly outcome: 'used' | 'empty' | 'failed' | 'skipped';
  readonly detail?: string;
  /** What the link found, described without its secret (e.g. the federation's rule and identity token source). */
  readonly credential?: ResolvedCredential;
  readonly error?: AuthenticationError;
}

/** The `code` of the process warning emitted when a stored subscription token is within 30 days of expiry. */
export const EXPIRY_WARNING_CODE = 'CLAUDE_AUTH_SUBSCRIPTION_EXPIRING';
const warnedAboutExpiry = new Set<string>();

/**
 * Failures after which the chain moves on to the next link. A stored login that
 * needs renewing (`REAUTH_REQUIRED`, e.g. after the API refused a subscription
 * token) is not one of them: moving on would switch the process to another
 * account or to metered API-key billing without anyone deciding so.
 */
const SOFT_FAILURES: ReadonlySet<string> = new Set([AuthErrorCode.NOT_LOGGED_IN]);

/**
 * The authentication handler (the guide's `ClaudeAuth`): resolves which
 * credential a query uses, refreshing stored OAuth tokens when due. The chain,
 * first match wins:
 *
 * 1. with `useOAuth` (default): the profile's stored credential (refreshed
 *    when needed) → `CLAUDE_CODE_OAUTH_TOKEN` → Anthropic's workload identity
 *    federation (`ANTHROPIC_FEDERATION_RULE_ID` and its variables, which Claude
 *    Code uses itself; see `anthropic-federation.ts`) → Claude Code's own
 *    login. The federation sits where Claude Code ranks it (observed): after
 *    `CLAUDE_CODE_OAUTH_TOKEN`, before its own login;
 * 2. the `apiKey` option → `ANTHROPIC_API_KEY` (with `useOAuth`, only as a fallback);
 * 3. nothing: `NO_CREDENTIALS`, naming the command that fixes it.
 *
 * A stored credential that needs a new login (expired, refused by its provider,
 * or rejected by the API) stops the chain with `REAUTH_REQUIRED`: the billing
 * source never changes silently (say, from a subscription to an API key).
 *
 * @example
 * ```ts
 * await using auth = new ClaudeAuth({ useOAuth: true });
 * const token = await auth.tokenStorage.loadToken();
 * if (token) console.log(`Authenticated: ${!token.isExpired()}`, token.expiresAt);
 * ```
 */
export class ClaudeAuth {
  /** Where this handler's OAuth credential is stored. */
  readonly tokenStorage: TokenStorage;
  readonly #options: ClaudeAuthOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #manager: TokenManager;
  readonly #now: () => number;

  /**
   * Creates a handler; nothing is read until a credential is asked for.
   *
   * @param options - See {@link ClaudeAuthOptions}.
   */
  constructor(options: ClaudeAuthOptions = {}) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.tokenStorage = options.tokenStorage ?? TokenStorage.forProfile(options);
    this.#now = options.now ?? Date.now;
    const fetch = options.fetch;
    this.#manager = new TokenManager({
      storage: this.tokenStorage,
      // The OAuth client loads only when a refresh is due.
      // The manager's signal bounds the request to the lease it holds (DESIGN §6a).
      refresh: async (token, { signal }) => {
        const { refreshProviderToken } = await import('../oauth/provider-tokens.js');
        return refreshProviderToken(token, {
          // A machine grant's secrets are read where this handler reads its environment.
          env: this.#env,
          ...(signal !== undefined && { signal }),
          ...(fetch !== undefined && { fetch }),
          ...(options.now !== undefined && { now: options.now }),
        });
      },
      ...(options.now !== undefined && { now: options.now }),
    });
  }

  /** The token manager of the stored credential (refresh, invalidate). */
  get tokenManager(): TokenManager {
    return this.#manager;
  }

  /**
   * Resolves the credential for a query.
   *
   * @throws {@link AuthenticationError} `NO_CREDENTIALS`, `REAUTH_REQUIRED`, or a
   *   storage or token-endpoint error of the stored credential.
   */
  async resolveCredential(): Promise<ResolvedCredential> {
    const { credential, steps } = await this.#walk(true);
    if (credential !== undefined) {
      this.#warnIfExpiringSoon(credential);
      return credential;
    }
    const reauth = steps.find((step) => step.error?.code === AuthErrorCode.REAUTH_REQUIRED)?.error;
    if (reauth !== undefined) throw reauth;
    const tried = steps
      .filter((step) => step.outcome !== 'skipped')
      .map((step) => step.link)
      .join(', ');
    throw new AuthenticationError(
      AuthErrorCode.NO_CREDENTIALS,
      `No Claude credential found (looked at: ${tried}).`,
      {
        fix: `${loginCommand(this.tokenStorage.profile)}   # or: export ANTHROPIC_API_KEY=…`,
      },
    );
  }

  /**
   * Every link of the chain and what it found, without stopping at the first
   * answer's errors (for `claude-auth status`). Nothing is refreshed.
   */
  async explain(): Promise<ResolutionStep[]> {
    return (await this.#walk(false)).steps;
  }

  /**
   * After the API rejected `rejected` (HTTP 401): a different, valid credential
   * if one can be had — a refreshed OAuth token, or one another process stored.
   *
   * @returns The new credential, or `undefined` when nothing better exists.
   * @throws {@link AuthenticationError} of the refresh (or machine grant) that
   *   failed: its fix, not a new login, is what helps (a refused client secret).
   */
  async renew(rejected: ResolvedCredential): Promise<ResolvedCredential | undefined> {
    if (rejected.source !== 'profile') return undefined;
    const current = await this.#manager.getValidToken();
    if (current.accessToken === rejected.secret) this.#manager.invalidate(current);
    const token = await this.#manager.getValidToken();
    return token.accessToken === rejected.secret ? undefined : this.#fromToken(token);
  }

  /**
   * When a stored credential should be handed to a running session anew: the
   * start of its advisory refresh window, as the refresh policy scales it to
   * the credential's lifetime. `undefined` for credentials that do not expire
   * or are not ours to renew.
   */
  rotationDue(credential: ResolvedCredential): number | undefined {
    if (credential.source !== 'profile') return undefined;
    return advisoryDueAt(credential, this.#now());
  }

  /**
   * The stored credential, renewed for a running session: a token another
   * process stored, or, when the refresh policy says the current one is due, a
   * refreshed one (a subscription token is only re-read: a new login renews it).
   *
   * @returns The new credential, or `undefined` if it did not change or cannot be renewed.
   */
  async rotate(current: ResolvedCredential): Promise<ResolvedCredential | undefined> {
    try {
      if (current.kind === 'claude-subscription') {
        // No refresh token: only a new login (in any process) renews it.
        const stored = await this.tokenStorage.loadToken();
        const renewed =
          stored !== null &&
          stored.accessToken !== current.secret &&
          !stored.reauthRequired &&
          !stored.isExpired(0, this.#now());
        return renewed ? this.#fromToken(stored) : undefined;
      }
      let token = await this.#manager.getValidToken();
      if (
        token.accessToken === current.secret &&
        credentialStanding(token, this.#now()).state !== 'fresh'
      )
        token = await this.#manager.refreshNow();
      return token.accessToken === current.secret ? undefined : this.#fromToken(token);
    } catch {
      return undefined;
    }
  }

  /**
   * The headers a direct HTTP caller of the Messages API needs (API key →
   * `x-api-key`; subscription → Bearer + `anthropic-beta: oauth-2025-04-20`;
   * gateway → Bearer).
   *
   * @param options - `forceRefresh` after a 401: refresh the stored token first.
   */
  async getAuthHeaders(options: { forceRefresh?: boolean } = {}): Promise<Record<string, string>> {
    if (options.forceRefresh === true) this.#manager.invalidate();
    return (await this.resolveCredential()).toHeaders();
  }

  /** Nothing is held open; present so `await using` works as the guide's `async with`. */
  async [Symbol.asyncDispose](): Promise<void> {}

  /**
   * A subscription token cannot be refreshed, only renewed by a new login:
   * say so, once per file and process, while there are still days left.
   */
  #warnIfExpiringSoon(credential: ResolvedCredential): void {
    if (
      credential.kind !== 'claude-subscription' ||
      credential.source !== 'profile' ||
      credential.expiresAt === null
    )
      return;
    const now = this.#now();
    const left = credential.expiresAt.getTime() - now;
    if (
      credentialStanding(credential, now).state !== 'renewal-due' ||
      warnedAboutExpiry.has(this.tokenStorage.path)
    )
      return;
    warnedAboutExpiry.add(this.tokenStorage.path);
    const days = Math.max(0, Math.floor(left / 86_400_000));
    const flag =
      this.tokenStorage.profile && this.tokenStorage.profile !== 'default'
        ? ` --profile ${this.tokenStorage.profile}`
        : '';
    process.emitWarning(
      `The Claude subscription token in ${this.tokenStorage.path} expires in ${days} days. Renew it with: claude-auth refresh${flag}`,
      {
        code: EXPIRY_WARNING_CODE,
      },
    );
  }

  /** A stored login that needs renewing: say that nothing else was used instead, and both ways out. */
  #noSilentSwitch(error: AuthenticationError): AuthenticationError {
    if (error.code !== AuthErrorCode.REAUTH_REQUIRED) return error;
    const login = loginCommand(this.tokenStorage.profile);
    const logout = login.replace('claude-auth login', 'claude-auth logout');
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `${error.summary} claude-auth does not fall back to another credential (such as an API key) on its own.`,
      { fix: `${login}   # or, to use the API key instead: ${logout}`, cause: error },
    );
  }

  #fromToken(token: AuthToken): ResolvedCredential {
    const profile = this.tokenStorage.profile;
    return new ResolvedCredential({
      kind: token.kind === 'oauth' ? 'oauth' : 'claude-subscription',
      source: 'profile',
      secret: token.accessToken,
      expiresAt: token.expiresAt,
      obtainedAt: token.obtainedAt,
      ...(token.provider?.apiBaseUrl !== undefined && { apiBaseUrl: token.provider.apiBaseUrl }),
      ...(profile !== undefined && { profile }),
    });
  }

  async #storedCredential(refresh: boolean): Promise<ResolvedCredential | undefined> {
    try {
      if (!refresh) {
        const token = await this.tokenStorage.loadToken();
        if (token === null) return undefined;
        // Judged as a refresh would judge it, without refreshing.
        if (credentialStanding(token, this.#now()).state === 'relogin-required') {
          throw new AuthenticationError(
            AuthErrorCode.REAUTH_REQUIRED,
            'The stored credential has expired or was refused; it cannot be refreshed.',
            {
              fix: loginCommand(this.tokenStorage.profile),
            },
          );
        }
        return this.#fromToken(token);
      }
      return this.#fromToken(await this.#manager.getValidToken());
    } catch (error) {
      const interactive = this.#options.interactiveLogin ?? process.stdin.isTTY === true;
      if (
        refresh &&
        isAuthenticationError(error, AuthErrorCode.NOT_LOGGED_IN) &&
        this.#options.oauthConfig &&
        interactive
      ) {
        // Loaded on demand: the login machinery is not needed to resolve a stored credential.
        const { login } = await import('../login/login.js');
        await login({
          oauthConfig: this.#options.oauthConfig,
          storage: this.tokenStorage,
          ...(this.#options.loginFlow !== undefined && { flow: this.#options.loginFlow }),
        });
        return this.#fromToken(await this.#manager.getValidToken());
      }
      throw error;
    }
  }

  async #walk(
    refresh: boolean,
  ): Promise<{ credential?: ResolvedCredential; steps: ResolutionStep[] }> {
    const steps: ResolutionStep[] = [];
    const useOAuth = this.#options.useOAuth ?? true;
    const fallback = !useOAuth || (this.#options.apiKeyFallback ?? true);
    let chosen: ResolvedCredential | undefined;
    // A link that failed hard ends the chain: what follows is shown, never used.
    let blocked = false;
    const link = async (
      name: ResolutionStep['link'],
      enabled: boolean,
      find: () => Promise<ResolvedCredential | undefined>,
    ) => {
      if (!enabled || (chosen !== undefined && refresh)) {
        steps.push({ link: name, outcome: 'skipped' });
        return;
      }
      try {
        const found = await find();
        if (found === undefined) {
          steps.push({ link: name, outcome: 'empty' });
          return;
        }
        const used = chosen === undefined && !blocked;
        steps.push({
          link: name,
          outcome: used ? 'used' : 'skipped',
          detail: found.kind,
          credential: found,
        });
        if (used) chosen = found;
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        if (!SOFT_FAILURES.has(error.code)) {
          if (refresh) throw this.#noSilentSwitch(error);
          blocked = true;
        }
        steps.push({
          link: name,
          outcome: error.code === AuthErrorCode.NOT_LOGGED_IN ? 'empty' : 'failed',
          error,
        });
      }
    };
    await link('profile', useOAuth, () => this.#storedCredential(refresh));
    await link('env:CLAUDE_CODE_OAUTH_TOKEN', useOAuth, async () => {
      const secret = credentialText(this.#env.CLAUDE_CODE_OAUTH_TOKEN, 'CLAUDE_CODE_OAUTH_TOKEN');
      return secret
        ? new ResolvedCredential({
            kind: 'claude-subscription',
            source: 'env:CLAUDE_CODE_OAUTH_TOKEN',
            secret,
          })
        : undefined;
    });
    await link('anthropic-federation', useOAuth, async () => {
      const federation = await readAnthropicFederation(this.#env, this.#now());
      return (
        federation &&
        new ResolvedCredential({
          kind: 'anthropic-federation',
          source: 'anthropic-federation',
          federation,
        })
      );
    });
    await link(
      'claude-code-login',
      useOAuth && (this.#options.useClaudeCodeLogin ?? true),
      async () => {
        const found = await readClaudeCodeLogin(this.#env);
        return (
          found &&
          new ResolvedCredential({
            kind: 'claude-code-login',
            source: 'claude-code-login',
            secret: found.accessToken,
            expiresAt: found.expiresAt,
          })
        );
      },
    );
    await link('option', fallback && this.#options.apiKey !== undefined, async () => {
      const secret = credentialText(this.#options.apiKey, 'The apiKey option');
      return secret
        ? new ResolvedCredential({ kind: 'api-key', source: 'option', secret })
        : undefined;
    });
    await link('env:ANTHROPIC_API_KEY', fallback, async () => {
      const secret = credentialText(this.#env.ANTHROPIC_API_KEY, 'ANTHROPIC_API_KEY');
      return secret
        ? new ResolvedCredential({ kind: 'api-key', source: 'env:ANTHROPIC_API_KEY', secret })
        : undefined;
    });
    return { ...(chosen !== undefined && { credential: chosen }), steps };
  }
}
