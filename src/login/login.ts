import { locateClaudeBinary } from '../claude-code/claude-binary.js';
import { runSetupToken } from '../claude-code/setup-token.js';
import {
  findSubscriptionToken,
  parseSubscriptionToken,
  SUBSCRIPTION_REVOKE_URL,
  subscriptionAuthToken,
} from '../claude-code/subscription-token.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { acquireMachineToken } from '../oauth/machine-grant.js';
import { machineGrantFromEnv } from '../oauth/machine-grant-config.js';
import { OAuthConfig } from '../oauth/oauth-config.js';
import {
  DEFAULT_LOGIN_TIMEOUT_MS,
  OAuthFlow,
  type OAuthFlowOptions,
  type OAuthLoginOptions,
} from '../oauth/oauth-flow.js';
import { revokeProviderTokens, type TokenRevocation } from '../oauth/provider-tokens.js';
import type { ProfileOptions } from '../profile/profile-paths.js';
import { TokenStorage } from '../storage/token-storage.js';
import { replaceCredential } from '../store/replace-credential.js';
import type { AuthToken, MachineGrantType } from '../token/auth-token.js';

/** How the official Claude Code CLI is run for a subscription login. */
export interface ClaudeCliOptions {
  /** The binary (default: located as `locateClaudeBinary` does). */
  binary?: string;
  /** The user's keystrokes for the official prompts (default stdin). */
  input?: NodeJS.ReadableStream;
  /** Where the official prompts are shown (default stdout). */
  output?: NodeJS.WritableStream;
}

/** Options for {@link login}. */
export interface LoginOptions extends ProfileOptions, OAuthLoginOptions {
  /**
   * Log in to this OAuth provider. Default: `OAuthConfig.fromEnv()` when
   * `CLAUDE_OAUTH_*` is set, else a Claude subscription login.
   */
  oauthConfig?: OAuthConfig;
  /**
   * `'claude-subscription'`: a Claude subscription login even when
   * `CLAUDE_OAUTH_*` is set (renewing a subscription profile must not turn it
   * into a gateway one).
   */
  kind?: 'claude-subscription';
  /** Use the device authorization grant (RFC 8628) with the OAuth provider. */
  device?: boolean;
  /**
   * Acquire the token with this machine grant instead of a person's login,
   * configured by `CLAUDE_OAUTH_*` in `env` (see `machineGrantFromEnv`): the
   * grant, and where its secrets come from, are stored for re-acquisition.
   */
  machineGrant?: MachineGrantType;
  /**
   * Store this Claude subscription token instead of logging in (`--with-token`):
   * the token, or the whole screen `claude setup-token` printed, holding exactly one.
   */
  withToken?: string;
  /** Store the subscription token found in `CLAUDE_CODE_OAUTH_TOKEN`. */
  importFromEnv?: boolean;
  /** Where to store the token; default the profile's storage. */
  storage?: TokenStorage;
  /** Replaceable parts of the OAuth flow (fetch, browser opener, input and output). */
  flow?: OAuthFlowOptions;
  /** How to run the official CLI for a subscription login. */
  claudeCli?: ClaudeCliOptions;
}

/** What {@link logout} did. */
export interface LogoutResult {
  /** Whether a stored credential was removed. */
  readonly removed: boolean;
  /** Whether the provider confirmed revoking every token of it (RFC 7009). */
  readonly revoked: boolean;
  /**
   * What the provider answered for each token, in the order revoked: the
   * access token, then the refresh token (see `revokeProviderTokens`).
   */
  readonly revocations?: readonly TokenRevocation[];
  /** Why the first revocation failed, when one did; the local logout happened regardless. */
  readonly revocationError?: AuthenticationError;
  /** Where the user can revoke it, when claude-auth cannot (Claude subscription tokens). */
  readonly revokeAt?: string;
  /**
   * Set when an OAuth login was removed but nothing could be revoked because
   * the provider names no revocation endpoint (RFC 7009 is optional): its
   * tokens stay valid until they expire.
   */
  readonly revocationUnavailable?: true;
}

function storageFor(options: ProfileOptions & { storage?: TokenStorage }): TokenStorage {
  return options.storage ?? TokenStorage.forProfile(options);
}

async function subscriptionLogin(
  options: LoginOptions,
  env: NodeJS.ProcessEnv,
): Promise<AuthToken> {
  if (options.withToken !== undefined)
    return subscriptionAuthToken(findSubscriptionToken(options.withToken), Date.now(), 'unknown');
  if (options.importFromEnv === true) {
    const fromEnv = env.CLAUDE_CODE_OAUTH_TOKEN;
    if (!fromEnv) {
      throw new AuthenticationError(
        AuthErrorCode.NO_CREDENTIALS,
        'CLAUDE_CODE_OAUTH_TOKEN is not set; there is nothing to import.',
        {
          fix: 'export CLAUDE_CODE_OAUTH_TOKEN=… first, or run `claude-auth login`',
        },
      );
    }
    return subscriptionAuthToken(
      parseSubscriptionToken(fromEnv, 'CLAUDE_CODE_OAUTH_TOKEN'),
      Date.now(),
      'unknown',
    );
  }
  const binary = options.claudeCli?.binary ?? (await locateClaudeBinary({ env }));
  const childEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const token = await runSetupToken({
    binary,
    env: childEnv,
    ...(options.claudeCli?.input !== undefined && { input: options.claudeCli.input }),
    ...(options.claudeCli?.output !== undefined && { output: options.claudeCli.output }),
    ...(options.signal !== undefined && { signal: options.signal }),
    // The same bound as a provider login: a sign-in nobody completes must not run forever.
    timeoutMs: options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
  });
  return subscriptionAuthToken(parseSubscriptionToken(token));
}

/**
 * Logs in and stores the credential in the profile's file (the guide's `login()`):
 *
 * - with an OAuth provider (`oauthConfig`, or `CLAUDE_OAUTH_*` in the
 *   environment): the browser or device flow, storing what a later refresh or
 *   logout needs;
 * - otherwise a Claude Pro/Max login performed by the official `claude
 *   setup-token` (claude-auth never calls Anthropic's OAuth endpoints itself),
 *   or the token given with `withToken` / found in `CLAUDE_CODE_OAUTH_TOKEN`.
 *
 * @param options - See {@link LoginOptions}.
 * @returns The stored token.
 * @throws {@link AuthenticationError} from the login; nothing is stored then.
 */
export async function login(options: LoginOptions = {}): Promise<AuthToken> {
  const env = options.env ?? process.env;
  const subscriptionOnly =
    options.kind === 'claude-subscription' ||
    options.withToken !== undefined ||
    options.importFromEnv === true;
  const config = subscriptionOnly ? undefined : (options.oauthConfig ?? OAuthConfig.fromEnv(env));
  let token: AuthToken;
  if (options.machineGrant !== undefined) {
    token = await acquireMachineToken(machineGrantFromEnv(options.machineGrant, env), {
      env,
      ...(options.flow?.fetch !== undefined && { fetch: options.flow.fetch }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
  } else if (config === undefined) {
    token = await subscriptionLogin(options, env);
    // Importing the token already stored changes nothing: re-recording it would
    // move its expiry (an upper bound, counted from the import) ever later.
    if (options.withToken !== undefined || options.importFromEnv === true) {
      const stored = await storageFor(options)
        .loadToken()
        .catch(() => null);
      if (stored?.kind === 'claude-subscription' && stored.accessToken === token.accessToken)
        return stored;
    }
  } else {
    const flow = new OAuthFlow(config, options.flow);
    // An issuer learnt by the previous login to the same endpoints is enforced on this one.
    const previous = await storageFor(options)
      .loadToken()
      .catch(() => null);
    const loginOptions = { ...options, previousProvider: previous?.provider };
    token =
      options.device === true
        ? await flow.loginWithDevice(loginOptions)
        : await flow.login(loginOptions);
  }
  // One transaction: an old account's refresh in flight elsewhere lands first, then is replaced.
  await storageFor(options).saveToken(token);
  return token;
}

function notRevokedUnread(cause: AuthenticationError): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.REVOCATION_FAILED,
    `The stored credential could not be read (${cause.code}), so it was removed without being revoked; if it was an OAuth login, its tokens may still be valid.`,
    { cause, fix: "revoke the session in your provider's account settings" },
  );
}

/**
 * Logs out (the guide's `logout()`): removes the stored credential first —
 * always, offline too — then asks an OAuth provider to revoke it (RFC 7009).
 * A failed revocation is reported in the result, not thrown. Claude
 * subscription tokens can only be revoked by the user at Anthropic; the
 * result says where.
 *
 * A stored credential that cannot be read is removed unrevoked (the result's
 * `revocationError` says so), unless `keepUnreadable` is set: then it stays,
 * and why it could not be read is thrown.
 *
 * @param options - The profile (or `storage`) to log out, `flow.fetch` for the
 *   revocation, and `keepUnreadable`.
 * @throws {@link AuthenticationError} the store's errors; with `keepUnreadable`,
 *   also `STORAGE_CORRUPT`, `STORAGE_INSECURE`, `STORAGE_VERSION_UNSUPPORTED` or
 *   `STORE_KEY_MISMATCH` for a credential left in place unread.
 */
export async function logout(
  options: ProfileOptions & {
    storage?: TokenStorage;
    flow?: Pick<OAuthFlowOptions, 'fetch'>;
    keepUnreadable?: boolean;
  } = {},
): Promise<LogoutResult> {
  // One transaction: a refresh in flight elsewhere finishes first or finds nothing to write,
  // and the token revoked below is the one stored last (never one already rotated away).
  const {
    existed: removed,
    previous: token,
    unreadable,
  } = await replaceCredential(storageFor(options).store, null, {
    keepUnreadable: options.keepUnreadable === true,
  });
  // Removed unread, its tokens were not revoked and may be live: never a silent success.
  if (unreadable !== undefined)
    return { removed, revoked: false, revocationError: notRevokedUnread(unreadable) };
  // Revocation is a network call: made after the lease is released, never holding it.
  if (token?.kind === 'claude-subscription')
    return { removed, revoked: false, revokeAt: SUBSCRIPTION_REVOKE_URL };
  if (token?.kind !== 'oauth') return { removed, revoked: false };
  if (token.provider?.revocationEndpoint === undefined)
    return { removed, revoked: false, revocationUnavailable: true };
  try {
    const revocations = await revokeProviderTokens(token, {
      ...(options.flow?.fetch !== undefined && { fetch: options.flow.fetch }),
      // A machine client authenticates with the secret or key its grant names.
      ...(options.env !== undefined && { env: options.env }),
    });
    const revocationError = revocations.find((outcome) => outcome.error)?.error;
    return {
      removed,
      revoked: revocations.length > 0 && revocationError === undefined,
      revocations,
      ...(revocationError !== undefined && { revocationError }),
    };
  } catch (error) {
    return { removed, revoked: false, revocationError: error as AuthenticationError };
  }
}
