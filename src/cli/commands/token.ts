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
  const lifetime = lifetimeMs(token);
  const refreshable = isRenewable(token) && lifetime >= minTtlMs;
  const renewed = refreshable ? await manager.refreshNow() : token;
  if (renewed.remainingMs(Date.now()) >= minTtlMs) return renewed;
  const lives = Number.isFinite(lifetimeMs(renewed))
    ? `live ${relativeTime(lifetimeMs(renewed)).replace(/^in /, '')}`
    : `has ${relativeTime(renewed.remainingMs(Date.now())).replace(/^in /, '')} left`;
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The tokens of this profile ${lives}: --min-ttl ${Math.round(minTtlMs / 1000)} cannot be met, so no token was printed.`,
    {
      fix:
        token.kind === 'claude-subscription'
          ? `${refreshCommand(profile)} --force   # renews the subscription token`
          : `ask for less${Number.isFinite(lifetimeMs(renewed)) ? ` (at most ${Math.floor(lifetimeMs(renewed) / 2000)} s)` : ''}, or a longer token lifetime at the provider`,
    },
  );
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
