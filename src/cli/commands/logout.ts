import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { logout } from '../../login/login.js';
import { revocationJson } from '../../oauth/provider-tokens.js';
import { DEFAULT_PROFILE } from '../../profile/profile-paths.js';
import { TokenStorage } from '../../storage/token-storage.js';
import { activeProfile } from '../shared/active-profile.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { ALL_OR_PROFILE, booleanFlag, type Command, type Flags } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';
import { storedProfiles } from '../shared/stored-profiles.js';

/** `claude-auth logout`'s options, parsed from its flags. */
export interface LogoutCommandOptions {
  /** Every profile the store lists (`--all`), or one. */
  readonly target: { readonly all: true } | { readonly all: false; readonly profile: string };
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  /** Delete a login that cannot be read, unrevoked (`--force`). */
  readonly force: boolean;
  /** Print the outcome of each profile as JSON (`--json`). */
  readonly json: boolean;
}

/**
 * Parses `claude-auth logout`'s flags. With `--all` no profile is resolved: a
 * bad `CLAUDE_AUTH_PROFILE` must not stop logging out of every profile.
 */
export function parseLogoutOptions(
  flags: Flags,
  _positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): LogoutCommandOptions {
  return {
    target: booleanFlag(flags, 'all')
      ? { all: true }
      : { all: false, profile: activeProfile(flags, env).profile },
    store: storeChoice(flags),
    force: booleanFlag(flags, 'force'),
    json: booleanFlag(flags, 'json'),
  };
}

/**
 * A login that could not be read is neither revoked nor removed without
 * `--force`: deleting it would leave its tokens valid with nothing left to
 * revoke them from. The code stays the read error's, so the exit code is 5.
 */
function keptUnread(profile: string, cause: AuthenticationError): AuthenticationError {
  return new AuthenticationError(
    cause.code,
    `The login of profile "${profile}" could not be read, so its tokens could not be revoked; it was left in place. ${cause.summary}`,
    {
      cause,
      fix: `claude-auth logout${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`} --force to delete it unrevoked${cause.fix === undefined ? '' : `; or make it readable (${cause.fix}) and log out again`}`,
    },
  );
}

/** The codes of a login that exists but cannot be read (what `--force` deletes). */
const UNREADABLE = new Set<AuthErrorCode>([
  AuthErrorCode.STORAGE_CORRUPT,
  AuthErrorCode.STORAGE_INSECURE,
  AuthErrorCode.STORAGE_VERSION_UNSUPPORTED,
  AuthErrorCode.STORE_KEY_MISMATCH,
]);

async function logoutProfile(
  profile: string,
  options: LogoutCommandOptions,
  env: NodeJS.ProcessEnv,
) {
  try {
    return await logout({
      env,
      profile,
      storage: TokenStorage.forProfile({ env, profile, ...options.store }),
      keepUnreadable: !options.force,
    });
  } catch (error) {
    if (error instanceof AuthenticationError && UNREADABLE.has(error.code))
      throw keptUnread(profile, error);
    throw error;
  }
}

/** Logs out of the profile (or every profile), revoking what can be revoked. */
export async function runLogout(options: LogoutCommandOptions, io: CliIO): Promise<ExitCode> {
  const { target } = options;
  const all = target.all;
  const names = target.all
    ? await storedProfiles(io.env, options.store, io.stderr)
    : [target.profile];
  const c = palette(io.stderr, io.env);
  const results = [];
  let failures = 0;
  for (const name of names) {
    let result: Awaited<ReturnType<typeof logout>>;
    try {
      result = await logoutProfile(name, options, io.env);
    } catch (error) {
      // --all goes on past a profile that fails, and says which failed and why.
      if (!all || !(error instanceof AuthenticationError)) throw error;
      failures += 1;
      results.push({ profile: name, removed: false, error: error.toJSON() });
      io.stderr.write(`${c.red('✗')} Profile "${name}" was not logged out: ${error.message}\n`);
      continue;
    }
    results.push({
      profile: name,
      removed: result.removed,
      revoked: result.revoked,
      ...(result.revocations !== undefined && {
        revocations: result.revocations.map(revocationJson),
      }),
      ...(result.revokeAt !== undefined && { revokeAt: result.revokeAt }),
      ...(result.revocationUnavailable === true && { revocationUnavailable: true }),
      ...(result.revocationError !== undefined && {
        revocationError: result.revocationError.toJSON(),
      }),
    });
    if (!result.removed) io.stderr.write(`Profile "${name}" was not logged in.\n`);
    else
      io.stderr.write(
        `${c.green('✓')} Logged out of profile "${name}"${result.revoked ? '; the provider revoked its tokens' : ''}.\n`,
      );
    for (const outcome of result.revocations ?? []) {
      if (outcome.outcome === 'ended-by-first')
        io.stderr.write(
          `  The ${outcome.token.replace('_', ' ')} had already ended with the first revocation (the provider answered 400 for it).\n`,
        );
      if (outcome.error)
        io.stderr.write(
          `  ${c.yellow('!')} The ${outcome.token.replace('_', ' ')} was not revoked (the local logout is done): ${outcome.error.message}\n`,
        );
    }
    if (result.revocationUnavailable)
      io.stderr.write(
        `  ${c.yellow('!')} Nothing was revoked: the provider names no revocation endpoint, so its tokens stay valid until they expire. Set CLAUDE_OAUTH_REVOCATION_URL before logging in to have them revoked.\n`,
      );
    if (result.revokeAt)
      io.stderr.write(`  The subscription token stays valid until revoked: ${result.revokeAt}\n`);
    if (result.revocationError && result.revocations === undefined)
      io.stderr.write(
        `  ${c.yellow('!')} Revocation failed (the local logout is done): ${result.revocationError.message}\n`,
      );
  }
  if (options.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return failures > 0 ? ExitCode.ERROR : ExitCode.OK;
}

/** `claude-auth logout`. */
export const logoutCommand: Command<LogoutCommandOptions> = {
  name: 'logout',
  summary: 'Remove stored credentials (and revoke them where possible)',
  flags: {
    all: { type: 'boolean', short: 'a' },
    force: { type: 'boolean', short: 'f' },
    json: { type: 'boolean' },
  },
  exclusive: ALL_OR_PROFILE,
  help: `Remove a profile's credential. The local copy goes first (offline and
with expired tokens too); then an OAuth provider is asked to revoke the
token (RFC 7009). Claude subscription tokens are revoked at claude.ai.

A login that exists but cannot be read (a file others can read, a corrupt
record, one sealed with another store key) cannot be revoked: it is left in
place and logout exits 5, naming the fix. --force deletes it unrevoked.

Usage:
  claude-auth logout [--profile NAME | --all] [--force] [--json]

Options:
  -p, --profile NAME   The profile (default: $CLAUDE_AUTH_PROFILE, the chosen default, or "default")
  -a, --all            Every profile of the store; goes on past one that fails, names it, and exits 1
  -f, --force          Also delete a login that cannot be read (its tokens are not revoked)
      --json           Print what was done for each profile as JSON

Exit codes: 0 logged out, or not logged in (a revocation that failed is reported, the
local logout stands), 1 a profile failed with --all, 5 the login cannot be read (left
in place; see --force).

Examples:
  claude-auth logout
  claude-auth logout --all
  claude-auth logout --force   # the login cannot be read: delete it anyway
`,
  parse: parseLogoutOptions,
  run: runLogout,
};
