import { describeFederation } from '../../credentials/anthropic-federation.js';
import { ClaudeAuth, type ResolutionStep } from '../../credentials/claude-auth.js';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { ENV_PROFILE } from '../../profile/profile-paths.js';
import { TokenStorage } from '../../storage/token-storage.js';
import { activeProfile } from '../shared/active-profile.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { ALL_OR_PROFILE, booleanFlag, type Command, type Flags } from '../shared/command.js';
import { ExitCode, exitCodeFor } from '../shared/exit-codes.js';
import {
  describeGrant,
  type ProfileReport,
  relativeTime,
  reportProfile,
} from '../shared/profile-report.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';
import { storedProfiles } from '../shared/stored-profiles.js';

/** The version of the `status --json` document; fields are only ever added within a version. */
export const STATUS_SCHEMA_VERSION = 1;

const LINK_NAMES: Record<ResolutionStep['link'], string> = {
  profile: 'stored profile',
  'env:CLAUDE_CODE_OAUTH_TOKEN': 'CLAUDE_CODE_OAUTH_TOKEN',
  'anthropic-federation': 'Anthropic workload identity federation',
  'claude-code-login': "Claude Code's own login",
  option: 'API key option',
  'env:ANTHROPIC_API_KEY': 'ANTHROPIC_API_KEY',
};

function describeKind(kind: ProfileReport['kind']): string {
  return kind === 'oauth'
    ? 'OAuth gateway token'
    : kind === 'claude-subscription'
      ? 'Claude subscription token'
      : 'no credential';
}

function printProfile(io: CliIO, report: ProfileReport, active: boolean, now: number): void {
  const c = palette(io.stdout, io.env);
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(c.bold(`Profile "${report.name}"${active ? ' (active)' : ''}`));
  const mark =
    report.state === 'valid'
      ? c.green('✓')
      : report.state === 'expiring' || report.state === 'expired'
        ? c.yellow('!')
        : c.red('✗');
  if (report.state === 'not-logged-in') out(`  ${mark} Not logged in`);
  else if (report.state === 'error') out(`  ${mark} ${report.error?.message ?? 'unreadable'}`);
  else {
    const expiry =
      report.expiresAt === null
        ? 'no expiry'
        : `${report.state === 'expired' || report.state === 'reauth-required' ? 'expired' : 'valid until'} ${report.expiresAt} (${relativeTime(Date.parse(report.expiresAt) - now)})`;
    out(
      `  ${mark} ${describeKind(report.kind)}, ${expiry}${report.state === 'reauth-required' ? ', re-login required' : ''}`,
    );
    const who = report.account?.email ?? report.account?.name ?? report.account?.subject;
    if (who) out(`  Account: ${who}`);
    if (report.issuer) out(`  Provider: ${report.issuer}`);
    if (report.grant !== null) out(`  Renewed by: ${describeGrant(report.grant)}`);
    else
      out(
        `  Refresh token: ${report.hasRefreshToken ? 'yes' : report.kind === 'claude-subscription' ? 'none (subscription tokens last one year)' : 'none'}`,
      );
  }
  if (report.store.backend === 'file')
    out(`  File: ${report.path}${report.mode ? ` (mode ${report.mode})` : ''}`);
  else out(`  Store: ${report.store.backend} ${report.store.location}`);
  out(`  Backend: ${report.store.backend} (${report.store.reason})`);
  for (const warning of report.warnings) out(`  ${c.yellow('!')} ${warning}`);
  if (report.fix && report.state !== 'valid') out(`  To fix: ${report.fix}`);
}

function stepJson(step: ResolutionStep) {
  return {
    link: step.link,
    outcome: step.outcome,
    ...(step.detail !== undefined && { detail: step.detail }),
    ...(step.credential?.federation !== undefined && { federation: step.credential.federation }),
    ...(step.error !== undefined && {
      error: {
        code: step.error.code,
        message: step.error.message,
        ...(step.error.fix !== undefined && { fix: step.error.fix }),
      },
    }),
  };
}

/** `claude-auth status`'s options, parsed from its flags. */
export interface StatusCommandOptions {
  /**
   * The active profile, or with `--all` the error that prevents choosing one:
   * `status --all` is the fix a bad `CLAUDE_AUTH_PROFILE` names, so it must
   * list the profiles regardless, then report the error.
   */
  readonly active: { readonly profile: string } | { readonly problem: AuthenticationError };
  /** Every profile of the store (`--all`), or the active one. */
  readonly all: boolean;
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  /** A JSON document instead of text (`--json`). */
  readonly json: boolean;
}

/** Parses `claude-auth status`'s flags. */
export function parseStatusOptions(
  flags: Flags,
  _positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): StatusCommandOptions {
  const all = booleanFlag(flags, 'all');
  let active: StatusCommandOptions['active'];
  try {
    active = { profile: activeProfile(flags, env).profile };
  } catch (error) {
    if (!all || !(error instanceof AuthenticationError)) throw error;
    active = { problem: error };
  }
  return { active, all, store: storeChoice(flags), json: booleanFlag(flags, 'json') };
}

/**
 * Why no credential is usable, as the error code a command reading it would
 * fail with: the exit code is then the one `token` and `refresh` give.
 */
function unusableBecause(chain: readonly ResolutionStep[], active: ProfileReport): AuthErrorCode {
  const failure = chain.find((step) => step.outcome === 'failed')?.error;
  if (failure !== undefined) return failure.code;
  return active.state === 'reauth-required' || active.state === 'expired'
    ? AuthErrorCode.REAUTH_REQUIRED
    : AuthErrorCode.NOT_LOGGED_IN;
}

/** Shows the profile's (or every profile's) credential and the resolution chain. */
export async function runStatus(options: StatusCommandOptions, io: CliIO): Promise<ExitCode> {
  const now = Date.now();
  const env = io.env;
  const activeName = 'profile' in options.active ? options.active.profile : undefined;
  const problem = 'problem' in options.active ? options.active.problem : undefined;
  // Listing does not depend on the active profile: a bad CLAUDE_AUTH_PROFILE must not stop it.
  const listingEnv = { ...env, [ENV_PROFILE]: undefined };
  const names = options.all
    ? await storedProfiles(listingEnv, options.store, io.stderr)
    : [activeName as string];
  if (activeName !== undefined && !names.includes(activeName)) names.unshift(activeName);
  const reports = await Promise.all(
    names.map((name) => reportProfile(name, env, now, options.store)),
  );
  if (problem !== undefined) {
    // No profile is active, so there is no chain to explain: the listing, then the error.
    if (options.json) {
      const document = {
        schemaVersion: STATUS_SCHEMA_VERSION,
        activeProfile: null,
        resolution: { answeredBy: null, chain: [] },
        profiles: reports,
        error: problem.toJSON(),
      };
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else for (const report of reports) printProfile(io, report, false, now);
    io.stderr.write(`claude-auth status: ${problem.message}\n`);
    return exitCodeFor(problem.code);
  }
  const profile = activeName as string;
  const chain = await new ClaudeAuth({
    env,
    profile,
    tokenStorage: TokenStorage.forProfile({ env, profile, ...options.store }),
  }).explain();
  const answered = chain.find((step) => step.outcome === 'used');
  const active = reports.find((report) => report.name === activeName) as ProfileReport;
  const exit = answered !== undefined ? ExitCode.OK : exitCodeFor(unusableBecause(chain, active));

  if (options.json) {
    const document = {
      schemaVersion: STATUS_SCHEMA_VERSION,
      activeProfile: activeName,
      resolution: { answeredBy: answered?.link ?? null, chain: chain.map(stepJson) },
      profiles: reports,
    };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return exit;
  }
  for (const report of reports) printProfile(io, report, report.name === activeName, now);
  const c = palette(io.stdout, io.env);
  io.stdout.write(`${c.bold('Resolution chain')} (first match is used by queries):\n`);
  for (const step of chain) {
    const mark =
      step.outcome === 'used' ? c.green('→') : step.outcome === 'failed' ? c.red('✗') : c.dim('·');
    const detail =
      step.outcome === 'used'
        ? `used (${step.detail})`
        : step.outcome === 'failed'
          ? `unusable: ${step.error?.code}${step.error ? ` (${step.error.summary})` : ''}`
          : step.outcome === 'skipped'
            ? 'not consulted'
            : 'nothing';
    const federation = step.credential?.federation;
    const found = federation === undefined ? '' : ` — ${describeFederation(federation)}`;
    io.stdout.write(`  ${mark} ${LINK_NAMES[step.link]}: ${detail}${found}\n`);
  }
  if (answered === undefined) {
    // A link that is configured but broken (say, the federation's identity token file) is what to fix.
    const failure = chain.find((step) => step.outcome === 'failed')?.error?.fix;
    io.stdout.write(
      `No credential is usable. To fix: ${failure ?? active.fix ?? 'claude-auth login'}\n`,
    );
  }
  return exit;
}

/** `claude-auth status`. */
export const statusCommand: Command<StatusCommandOptions> = {
  name: 'status',
  summary: 'Show stored credentials and which one queries would use',
  flags: { json: { type: 'boolean' }, all: { type: 'boolean', short: 'a' } },
  exclusive: ALL_OR_PROFILE,
  help: `Show the stored credential of a profile (or of all), and the resolution
chain: which credential a query would use, and why.

Usage:
  claude-auth status [--profile NAME | --all] [--json]

Options:
  -p, --profile NAME   The profile (default: $CLAUDE_AUTH_PROFILE, the chosen default, or "default")
  -a, --all            Every profile
      --json           A JSON document (schemaVersion ${STATUS_SCHEMA_VERSION}; see the README)

Exit codes: 0 a credential is usable, 3 not logged in, 4 expired or re-login required,
5 the store cannot be read now (the login may exist: fix the store, do not log in again).

Examples:
  claude-auth status
  claude-auth status --all --json | jq '.profiles[] | {name, state}'
`,
  parse: parseStatusOptions,
  run: runStatus,
};
