import { AuthenticationError } from '../../errors/authentication-error.js';
import { DEFAULT_PROFILE, resolveProfile } from '../../profile/profile-paths.js';
import { openStore } from '../../storage/open-store.js';
import { copyCredential } from '../../store/copy-credential.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import {
  ALL_OR_PROFILE,
  type Command,
  type Flags,
  stringFlag,
  UsageError,
} from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';

const ACTIONS = new Set(['copy', 'move']);

async function run(flags: Flags, positionals: string[], io: CliIO) {
  const [action, ...rest] = positionals;
  if (action === undefined || !ACTIONS.has(action) || rest.length > 0)
    throw new UsageError('expected `storage copy` or `storage move`');
  const fromSpec = stringFlag(flags, 'from');
  const toSpec = stringFlag(flags, 'to');
  if (fromSpec === undefined || toSpec === undefined)
    throw new UsageError('--from and --to are both required');
  const profileFlag = stringFlag(flags, 'profile');
  const profiles =
    flags.all === true
      ? await openStore({ env: io.env, profile: DEFAULT_PROFILE, store: fromSpec }).profiles()
      : [
          resolveProfile({
            env: io.env,
            ...(profileFlag !== undefined && { profile: profileFlag }),
          }).profile,
        ];
  const reports = [];
  let failures = 0;
  for (const profile of profiles) {
    try {
      reports.push(await transfer(action, profile, fromSpec, toSpec, flags, io));
    } catch (error) {
      // --all goes on past a profile that fails, and says which failed and why.
      if (flags.all !== true || !(error instanceof AuthenticationError)) throw error;
      failures += 1;
      reports.push({ action, profile, error: error.toJSON() });
      io.stderr.write(
        `${palette(io.stderr, io.env).red('✗')} Profile "${profile}" was not ${action === 'move' ? 'moved' : 'copied'}: ${error.message}\n`,
      );
    }
  }
  if (flags.json === true)
    io.stdout.write(`${JSON.stringify(flags.all === true ? reports : reports[0], null, 2)}\n`);
  if (flags.all === true && profiles.length === 0)
    io.stderr.write(`No profiles in ${fromSpec.includes('://') ? 'that store' : fromSpec}.\n`);
  return failures > 0 ? ExitCode.ERROR : ExitCode.OK;
}

/** Copies or moves one profile's credential, telling the user on stderr; what `--json` prints. */
async function transfer(
  action: string,
  profile: string,
  fromSpec: string,
  toSpec: string,
  flags: Flags,
  io: CliIO,
) {
  const from = openStore({ env: io.env, profile, store: fromSpec });
  const to = openStore({ env: io.env, profile, store: toSpec });
  const outcome = await copyCredential(from, to, {
    move: action === 'move',
    replace: flags.replace === true,
  });
  const shared = action === 'copy' && outcome.token.refreshToken !== undefined;
  if (flags.json !== true) {
    const c = palette(io.stderr, io.env);
    const verb = action === 'move' ? 'Moved' : 'Copied';
    io.stderr.write(
      `${c.green('✓')} ${verb} profile "${profile}" from ${from.describe().backend} ${from.describe().location} to ${to.describe().backend} ${to.describe().location}${outcome.alreadyThere ? ' (it was already there)' : ''}.\n`,
    );
    if (shared)
      io.stderr.write(
        `  ${c.yellow('!')} Both stores now hold the same refresh token: use only one of them (a rotating provider revokes a refresh token spent twice), or use \`storage move\`.\n`,
      );
  }
  return {
    action,
    profile,
    from: from.describe(),
    to: to.describe(),
    revision: outcome.revision,
    alreadyThere: outcome.alreadyThere,
    sourceDeleted: outcome.sourceDeleted,
    sharedRefreshToken: shared,
  };
}

/** `claude-auth storage copy|move`. */
export const storageCommand: Command = {
  name: 'storage',
  summary: 'Copy or move a login between stores (file, redis://…)',
  positionals: true,
  exclusive: ALL_OR_PROFILE,
  flags: {
    from: { type: 'string' },
    to: { type: 'string' },
    replace: { type: 'boolean' },
    all: { type: 'boolean', short: 'a' },
    json: { type: 'boolean' },
  },
  help: `Copy or move a profile's credential from one store to another, e.g. from
this machine's file to the Redis store a fleet shares, and back.

The copy is written, read back and compared before anything else happens; a
move then deletes the source. A crash at any step leaves at least one complete
copy; run the same command again to finish it.

Usage:
  claude-auth storage copy --from STORE --to STORE [--profile NAME] [--replace] [--json]
  claude-auth storage move --from STORE --to STORE [--profile NAME] [--replace] [--json]
  claude-auth storage copy|move --from STORE --to STORE --all [--replace] [--json]

STORE is file (this machine's profile file), keychain, auto or redis://[user@]host[:port][/db][?prefix=…]
(rediss:// for TLS; the password from CLAUDE_AUTH_REDIS_PASSWORD_FILE, the record key
from CLAUDE_AUTH_STORE_KEY or CLAUDE_AUTH_STORE_KEY_FILE).

Options:
  -p, --profile NAME   The profile to copy (the same name in both stores)
  -a, --all            Every profile the --from store lists; goes on past one that
                       fails, names it, and exits 1
      --replace        Overwrite a different credential already in the destination
      --json           Print what was done as JSON

Examples:
  claude-auth storage move --from file --to redis://ci@redis.internal:6379/0
  claude-auth storage copy --from redis://ci@redis.internal/0 --to file --profile work
  claude-auth storage move --from file --to keychain --all
`,
  run,
};
