import { AuthenticationError } from '../../errors/authentication-error.js';
import { logout } from '../../login/login.js';
import { resolveProfile } from '../../profile/profile-paths.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { ALL_OR_PROFILE, type Command, type Flags, stringFlag } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { storedProfiles } from '../shared/stored-profiles.js';

async function run(flags: Flags, _positionals: string[], io: CliIO) {
  const profile = stringFlag(flags, 'profile');
  const location = resolveProfile({ env: io.env, ...(profile !== undefined && { profile }) });
  const all = flags.all === true;
  const names = all ? await storedProfiles(io.env) : [location.profile];
  const c = palette(io.stderr, io.env);
  const results = [];
  let failures = 0;
  for (const name of names) {
    let result: Awaited<ReturnType<typeof logout>>;
    try {
      result = await logout({ env: io.env, profile: name });
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
        revocations: result.revocations.map(({ token, revoked, outcome, error }) => ({
          token,
          revoked,
          ...(outcome !== undefined && { outcome }),
          ...(error !== undefined && { error: error.toJSON() }),
        })),
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
  if (flags.json === true) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return failures > 0 ? ExitCode.ERROR : ExitCode.OK;
}

/** `claude-auth logout`. */
export const logoutCommand: Command = {
  name: 'logout',
  summary: 'Remove stored credentials (and revoke them where possible)',
  flags: { all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' } },
  exclusive: ALL_OR_PROFILE,
  help: `Remove a profile's credential. The local file goes first, always (offline
and with expired tokens too); then an OAuth provider is asked to revoke the
token (RFC 7009). Claude subscription tokens are revoked at claude.ai.

Usage:
  claude-auth logout [--profile NAME | --all] [--json]

Examples:
  claude-auth logout
  claude-auth logout --all
`,
  run,
};
