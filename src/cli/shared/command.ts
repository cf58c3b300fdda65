import { parseArgs } from 'node:util';
import type { CliIO } from './cli-io.js';
import type { ExitCode } from './exit-codes.js';

/** The flag definitions of a command, as `node:util` `parseArgs` takes them. */
export type FlagSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>;

/** Parsed flags. */
export type Flags = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * One subcommand, built as GitHub CLI's auth commands are: its flag table, a
 * pure `parse` from flags to a typed options object (every usage mistake a
 * {@link UsageError} there, before anything runs), and `run(options, io)`
 * doing the work. `run-cli.ts` dispatches parse → run; tests check each apart.
 *
 * @typeParam Options - What `parse` makes of the flags, and `run` takes.
 */
export interface Command<Options = unknown> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text, examples included. */
  readonly help: string;
  readonly flags: FlagSpec;
  /** Positional arguments allowed. */
  readonly positionals?: boolean;
  /** Pairs of flags that cannot be given together (a usage error, exit 2). */
  readonly exclusive?: ReadonlyArray<readonly [string, string]>;
  /**
   * The command's options from its flags, positionals and environment (the
   * profile resolved, numbers as numbers, choices as unions).
   *
   * @throws {@link UsageError} for bad usage; {@link AuthenticationError}
   *   `CONFIG_INVALID` for a bad environment (`CLAUDE_AUTH_PROFILE`).
   */
  parse(flags: Flags, positionals: readonly string[], env: NodeJS.ProcessEnv): Options;
  /** Does the work; what it returns is the exit code. */
  run(options: Options, io: CliIO): Promise<ExitCode>;
}

/** Flags every command takes. */
export const COMMON_FLAGS: FlagSpec = {
  profile: { type: 'string', short: 'p' },
  /** The credential store (`file`, `redis://…`); overrides `CLAUDE_AUTH_STORE` for this run. */
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** `--all` (every profile) and `--profile` (one profile) cannot be given together. */
export const ALL_OR_PROFILE: ReadonlyArray<readonly [string, string]> = [['all', 'profile']];

/** A usage mistake: one line of error, the usage, exit 2. */
export class UsageError extends Error {}

/**
 * `parseArgs` takes the `-5` of `--min-ttl -5` for a flag and calls it
 * ambiguous. A negative number is never a flag here (short flags are
 * letters), so it is joined to the string flag before it, whose own parser
 * then says what the flag takes.
 */
function negativeNumbersAsValues(args: readonly string[], options: FlagSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg === '--') return [...joined, ...args.slice(i)];
    const spec = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (spec?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else joined.push(arg);
  }
  return joined;
}

/**
 * Parses a command's arguments strictly: an unknown flag or a missing value
 * is a {@link UsageError}, and so are two flags the command's `exclusive`
 * pairs forbid together.
 */
export function parseCommandArgs(
  command: Pick<Command, 'flags' | 'positionals' | 'exclusive'>,
  args: readonly string[],
): { flags: Flags; positionals: string[] } {
  const options = { ...COMMON_FLAGS, ...command.flags };
  let parsed: { flags: Flags; positionals: string[] };
  try {
    const { values, positionals } = parseArgs({
      args: negativeNumbersAsValues(args, options),
      options,
      strict: true,
      allowPositionals: command.positionals === true,
    });
    parsed = { flags: values as Flags, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  for (const [a, b] of command.exclusive ?? [])
    if (parsed.flags[a] !== undefined && parsed.flags[b] !== undefined)
      throw new UsageError(`--${a} and --${b} exclude each other`);
  return parsed;
}

/** A string flag's value, or undefined. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether a boolean flag was given. */
export function booleanFlag(flags: Flags, name: string): boolean {
  return flags[name] === true;
}

/**
 * A number of seconds ≥ 0 from a flag, as milliseconds: a negative or
 * malformed value is a usage error saying what the flag takes.
 */
export function secondsFlag(flags: Flags, name: string): number | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(seconds))
    throw new UsageError(`--${name} takes a number of seconds ≥ 0, not "${value.slice(0, 40)}"`);
  return seconds * 1000;
}
