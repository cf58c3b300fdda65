import { resolveProfile } from '../../profile/profile-paths.js';
import { saveDefaultProfile } from '../../storage/default-profile.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { type Command, type Flags, UsageError } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { reportProfile } from '../shared/profile-report.js';
import { storedProfiles } from '../shared/stored-profiles.js';

async function run(flags: Flags, positionals: string[], io: CliIO) {
  const location = resolveProfile({ env: io.env });
  const [action, name, ...extra] = positionals;
  if (action === 'use') {
    if (name === undefined || extra.length > 0)
      throw new UsageError('usage: claude-auth profiles use NAME');
    await saveDefaultProfile(location.directory, name);
    io.stderr.write(`Profile "${name}" is now the default.\n`);
    return ExitCode.OK;
  }
  if (action !== undefined)
    throw new UsageError(
      `unknown action "${action}" (try "claude-auth profiles" or "claude-auth profiles use NAME")`,
    );
  const reports = await Promise.all(
    (await storedProfiles(io.env)).map((profile) => reportProfile(profile, io.env)),
  );
  if (flags.json === true) {
    io.stdout.write(
      `${JSON.stringify({ defaultProfile: location.profile, profiles: reports.map(({ name, kind, state }) => ({ name, kind, state })) }, null, 2)}\n`,
    );
    return ExitCode.OK;
  }
  const c = palette(io.stdout, io.env);
  if (reports.length === 0) io.stdout.write('No profiles yet. Log in with: claude-auth login\n');
  for (const report of reports) {
    const marker = report.name === location.profile ? c.green('*') : ' ';
    io.stdout.write(
      `${marker} ${report.name.padEnd(16)} ${(report.kind ?? '-').padEnd(20)} ${report.state}\n`,
    );
  }
  return ExitCode.OK;
}

/** `claude-auth profiles`. */
export const profilesCommand: Command = {
  name: 'profiles',
  summary: 'List profiles, or choose the default one',
  positionals: true,
  flags: { json: { type: 'boolean' } },
  help: `List the profiles (one per account) of the store --store or
$CLAUDE_AUTH_STORE names, or choose the one used when none is named.
$CLAUDE_AUTH_PROFILE still takes precedence.

Usage:
  claude-auth profiles [--json]
  claude-auth profiles use NAME

Examples:
  claude-auth login --profile work
  claude-auth profiles use work
`,
  run,
};
