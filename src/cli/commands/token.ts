import { SUBSCRIPTION_TOKEN_LIFETIME_MS } from '../../claude-code/subscription-token.js';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { refreshCommand } from '../../profile/fix-commands.js';
import { isRenewable } from '../../refresh/credential-standing.js';
import { helperToken, lazyProviderRefresh } from '../../refresh/helper-token.js';
import { lifetimeMs } from '../../refresh/refresh-policy.js';
import { TokenManager } from '../../refresh/token-manager.js';
import { TokenStorage } from '../../storage/token-storage.js';
import type { AuthToken } from '../../token/auth-token.js';
import { activeProfile } from '../shared/active-profile.js';
import type { CliIO } from '../shared/cli-io.js';
import { type Command, type Flags, secondsFlag } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { relativeTime } from '../shared/profile-report.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';

/**
 * A token valid for `minTtlMs` more, refreshed at most once: when the tokens
 * of this profile live less than that, no refresh can help, so none is made
 * (it would hit the provider on every call) and the command fails instead of
 * printing a token that misses the promise.
 */
async function withMinTtl(
  token: AuthToken,
  minTtlMs: number,
  manager: TokenManager,
  profile: string | undefined,
): Promise<AuthToken> {
  if (token.remainingMs(Date.now()) >= minTtlMs) return token;
  const refreshable = isRenewable(token) && freshLifetimeMs(token) >= minTtlMs;
  const renewed = refreshable ? await manager.refreshNow() : token;
  if (renewed.remainingMs(Date.now()) >= minTtlMs) return renewed;
  throw cannotMeet(renewed, minTtlMs, profile);
}

/**
 * How long a new token of this kind lives: a subscription token one year,
 * even when this one's age is unknown (brought with `--with-token`); any
 * other its own lifetime (unknown: unbounded).
 */
function freshLifetimeMs(token: AuthToken): number {
  return token.kind === 'claude-subscription' ? SUBSCRIPTION_TOKEN_LIFETIME_MS : lifetimeMs(token);
}

/**
 * The `CONFIG_INVALID` for a `--min-ttl` this token misses: longer than any
 * token of the kind lives (only asking for less helps, so no renewal is
 * offered), or longer than this one has left (a subscription token is
 * renewed by `refresh --force`).
 */
function cannotMeet(
  token: AuthToken,
  minTtlMs: number,
  profile: string | undefined,
): AuthenticationError {
  const asked = Math.round(minTtlMs / 1000);
  const lifetime = freshLifetimeMs(token);
  const subscription = token.kind === 'claude-subscription';
  // Half the lifetime, so a renewal is not due at every call.
  const atMost = Number.isFinite(lifetime) ? ` (at most ${Math.floor(lifetime / 2000)} s)` : '';
  const askLess = `ask for less${atMost}, or a longer token lifetime at the provider`;
  if (lifetime < minTtlMs)
    return new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `${subscription ? 'Subscription tokens' : 'The tokens of this profile'} live ${duration(lifetime)} (${Math.round(lifetime / 1000)} s): --min-ttl ${asked} is longer, so it cannot be met and no token was printed.`,
      { fix: subscription ? `ask for at most ${Math.floor(lifetime / 2000)} s` : askLess },
    );
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The current token of this profile has ${duration(token.remainingMs(Date.now()))} left: --min-ttl ${asked} cannot be met, so no token was printed.`,
    {
      fix: subscription
        ? `${refreshCommand(profile)} --force   # renews the subscription token`
        : askLess,
    },
  );
}

function duration(ms: number): string {
  return relativeTime(ms).replace(/^in /, '');
}

/** `claude-auth token`'s options, parsed from its flags. */
export interface TokenCommandOptions {
  /** The profile whose token is printed. */
  readonly profile: string;
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  /** How long the token must stay valid (`--min-ttl`); absent, the refresh policy decides. */
  readonly minTtlMs?: number;
}

/**
 * Parses `claude-auth token`'s flags.
 *
 * @throws {@link UsageError} for a `--min-ttl` that is no number of seconds ≥ 0.
 */
export function parseTokenOptions(
  flags: Flags,
  _positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): TokenCommandOptions {
  const profile = activeProfile(flags, env).profile;
  const minTtlMs = secondsFlag(flags, 'min-ttl');
  return { profile, store: storeChoice(flags), ...(minTtlMs !== undefined && { minTtlMs }) };
}

/** Prints the profile's access token on stdout, refreshed first when due. */
export async function runToken(options: TokenCommandOptions, io: CliIO): Promise<ExitCode> {
  const storage = TokenStorage.forProfile({
    env: io.env,
    profile: options.profile,
    ...options.store,
  });
  // The OAuth client loads only when a refresh is due: printing a fresh token must start fast.
  const manager = new TokenManager({ storage, refresh: lazyProviderRefresh });
  const { minTtlMs } = options;
  // Without --min-ttl the refresh policy decides (helperToken): a token in its advisory
  // window (5 min before expiry, or half a shorter lifetime) is refreshed first, joining a
  // refresh already in flight, so that Claude Code's apiKeyHelper cache (5 min) rarely
  // outlives it. A fixed minimum would refresh a token that lives no longer than it on
  // every call.
  const token =
    minTtlMs === undefined
      ? await helperToken(manager)
      : await withMinTtl(await manager.getValidToken(), minTtlMs, manager, storage.profile);
  io.stdout.write(`${token.accessToken}\n`);
  return ExitCode.OK;
}

/** `claude-auth token`. */
export const tokenCommand: Command<TokenCommandOptions> = {
  name: 'token',
  summary: 'Print a valid access token (for scripts and apiKeyHelper)',
  flags: { 'min-ttl': { type: 'string' } },
  help: `Print the profile's access token, refreshed first when it is due (or
would expire within --min-ttl). Only the token goes to stdout; messages go to stderr.

Usage:
  claude-auth token [--profile NAME] [--min-ttl SECONDS]

Options:
  -p, --profile NAME     The profile
      --min-ttl SECONDS  The token must stay valid this long (default: refreshed
                         within 5 min of expiry, or half a shorter lifetime)

Exit codes: 0 printed, 2 --min-ttl cannot be met (tokens live less; nothing
printed, no refresh), 3 not logged in, 4 re-login required, 5 the store cannot be read now.

Examples:
  curl -H "Authorization: Bearer $(claude-auth token --profile work)" …
  # As Claude Code's apiKeyHelper (~/.claude/settings.json):
  { "apiKeyHelper": "claude-auth token --profile work" }
`,
  parse: parseTokenOptions,
  run: runToken,
};
