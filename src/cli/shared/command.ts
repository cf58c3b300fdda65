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

/** One subcommand: its help and its `run` (cli/cli's options-struct-plus-run shape). */
export interface Command {
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
  run(flags: Flags, positionals: string[], io: CliIO): Promise<ExitCode>;
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
 * Parses a command's arguments strictly: an unknown flag or a missing value
 * is a {@link UsageError}, and so are two flags the command's `exclusive`
 * pairs forbid together.
 */
export function parseCommandArgs(
  command: Command,
  args: readonly string[],
): { flags: Flags; positionals: string[] } {
  let parsed: { flags: Flags; positionals: string[] };
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON_FLAGS, ...command.flags },
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

/** A positive number of seconds from a flag, as milliseconds. */
export function secondsFlag(flags: Flags, name: string): number | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(seconds))
    throw new UsageError(`--${name} takes a number of seconds, not "${value.slice(0, 40)}"`);
  return seconds * 1000;
}
