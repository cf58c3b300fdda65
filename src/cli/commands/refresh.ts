import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { login } from '../../login/login.js';
import { refreshProviderToken } from '../../oauth/provider-tokens.js';
import { loginCommand } from '../../profile/fix-commands.js';
import { credentialStanding } from '../../refresh/credential-standing.js';
import { TokenManager } from '../../refresh/token-manager.js';
import { TokenStorage } from '../../storage/token-storage.js';
import type { AuthToken } from '../../token/auth-token.js';
import { activeProfile } from '../shared/active-profile.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { booleanFlag, type Command, type Flags } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { relativeTime } from '../shared/profile-report.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';

function validity(token: AuthToken): string {
  return token.expiresAt === null
    ? 'no expiry'
    : `valid until ${token.expiresAt.toISOString()} (${relativeTime(token.expiresAt.getTime() - Date.now())})`;
}

/** `claude-auth refresh`'s options, parsed from its flags. */
export interface RefreshCommandOptions {
  /** The profile to refresh. */
  readonly profile: string;
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  /** Renew a subscription token outside its renewal window too (`--force`). */
  readonly force: boolean;
  /** Print the result as JSON (`--json`). */
  readonly json: boolean;
}

/** Parses `claude-auth refresh`'s flags. */
export function parseRefreshOptions(
  flags: Flags,
  _positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): RefreshCommandOptions {
  return {
    profile: activeProfile(flags, env).profile,
    store: storeChoice(flags),
    force: booleanFlag(flags, 'force'),
    json: booleanFlag(flags, 'json'),
  };
}

/** Refreshes the profile's credential now (a subscription token: a new official login when due). */
export async function runRefresh(options: RefreshCommandOptions, io: CliIO): Promise<ExitCode> {
  const storage = TokenStorage.forProfile({
    env: io.env,
    profile: options.profile,
    ...options.store,
  });
  const current = await storage.loadToken();
  if (current === null) {
    throw new AuthenticationError(
      AuthErrorCode.NOT_LOGGED_IN,
      `Profile "${storage.profile}" is not logged in.`,
      { fix: loginCommand(storage.profile) },
    );
  }
  const c = palette(io.stderr, io.env);
  let token: AuthToken;
  let refreshed = true;
  if (current.kind === 'claude-subscription') {
    // One-year tokens have no refresh token: renewing one is a new official login.
    const due = credentialStanding(current, Date.now()).state !== 'fresh';
    if (!due && !options.force) {
      io.stderr.write(
        `The subscription token of profile "${storage.profile}" is ${validity(current)}; nothing to do (use --force to renew it now).\n`,
      );
      token = current;
      refreshed = false;
    } else {
      // The stored kind decides, not whether CLAUDE_OAUTH_* happens to be set.
      token = await login({
        kind: 'claude-subscription',
        storage,
        env: io.env,
        claudeCli: { input: io.stdin, output: io.stderr },
      });
    }
  } else {
    token = await new TokenManager({
      storage,
      refresh: (t, { signal }) =>
        refreshProviderToken(t, { env: io.env, ...(signal !== undefined && { signal }) }),
    }).refreshNow();
  }
  if (refreshed)
    io.stderr.write(
      `${c.green('✓')} Refreshed profile "${storage.profile}": ${validity(token)}.\n`,
    );
  if (options.json)
    io.stdout.write(
      `${JSON.stringify({ profile: storage.profile, refreshed, credential: token.toJSON() }, null, 2)}\n`,
    );
  return ExitCode.OK;
}

/** `claude-auth refresh`. */
export const refreshCommand: Command<RefreshCommandOptions> = {
  name: 'refresh',
  summary: 'Refresh the stored credential now',
  flags: { force: { type: 'boolean', short: 'f' }, json: { type: 'boolean' } },
  help: `Refresh a profile's credential now. An OAuth token is refreshed at its
provider (the rotated refresh token is stored first). A Claude subscription
token lasts one year and has no refresh token: within its renewal window (30
days before expiry) or with --force, the official login runs again — also when
CLAUDE_OAUTH_* is set; otherwise nothing needs doing.

Usage:
  claude-auth refresh [--profile NAME] [--force] [--json]

Examples:
  claude-auth refresh
  claude-auth refresh --profile work --json
`,
  parse: parseRefreshOptions,
  run: runRefresh,
};
