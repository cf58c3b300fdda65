import { resolveProfile } from '../../profile/profile-paths.js';
import { saveDefaultProfile } from '../../storage/default-profile.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { booleanFlag, type Command, type Flags, UsageError } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { reportProfile } from '../shared/profile-report.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';
import { storedProfiles } from '../shared/stored-profiles.js';

/** `claude-auth profiles`'s options, parsed from its arguments. */
export interface ProfilesCommandOptions {
  /** List the profiles, or choose the default one (`profiles use NAME`). */
  readonly action: { readonly kind: 'list' } | { readonly kind: 'use'; readonly name: string };
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  /** Print the list as JSON (`--json`). */
  readonly json: boolean;
}

/**
 * Parses `claude-auth profiles [use NAME]`.
 *
 * @throws {@link UsageError} for another action, or `use` without exactly one NAME.
 */
export function parseProfilesOptions(
  flags: Flags,
  positionals: readonly string[],
  _env: NodeJS.ProcessEnv,
): ProfilesCommandOptions {
  const [action, name, ...extra] = positionals;
  const common = { store: storeChoice(flags), json: booleanFlag(flags, 'json') };
  if (action === 'use') {
    if (name === undefined || extra.length > 0)
      throw new UsageError('usage: claude-auth profiles use NAME');
    return { action: { kind: 'use', name }, ...common };
  }
  if (action !== undefined)
    throw new UsageError(
      `unknown action "${action}" (try "claude-auth profiles" or "claude-auth profiles use NAME")`,
    );
  return { action: { kind: 'list' }, ...common };
}

/** Lists the store's profiles (the active one marked), or saves the default profile. */
export async function runProfiles(options: ProfilesCommandOptions, io: CliIO): Promise<ExitCode> {
  // Not `activeProfile`: --profile does not change which profile is the default one.
  const location = resolveProfile({ env: io.env });
  const { action } = options;
  if (action.kind === 'use') {
    await saveDefaultProfile(location.directory, action.name);
    io.stderr.write(`Profile "${action.name}" is now the default.\n`);
    return ExitCode.OK;
  }
  const reports = await Promise.all(
    (await storedProfiles(io.env, options.store, io.stderr)).map((profile) =>
      reportProfile(profile, io.env, Date.now(), options.store),
    ),
  );
  if (options.json) {
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
export const profilesCommand: Command<ProfilesCommandOptions> = {
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
  parse: parseProfilesOptions,
  run: runProfiles,
};
