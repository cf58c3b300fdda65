import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/shared/cli-io.js';
import { type Command, parseCommandArgs } from '../../src/cli/shared/command.js';

/** A {@link CliIO} whose output is recorded: what a command printed, for its unit tests. */
export interface RecordingIO {
  readonly io: CliIO;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/**
 * Streams for running a command in-process: stdout and stderr recorded, stdin
 * the given text (then closed), and exactly `env` as the environment.
 *
 * @param env - The command's environment.
 * @param stdin - What the command reads from stdin.
 */
export function recordingIO(env: NodeJS.ProcessEnv, stdin = ''): RecordingIO {
  const record = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk) => {
      text += chunk;
    });
    return { stream, text: () => text };
  };
  const out = record();
  const err = record();
  return {
    io: { stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]), env },
    stdout: out.text,
    stderr: err.text,
  };
}

/**
 * A command's options from a command line, through the same strict argument
 * parsing `runCli` does: the flag table and the parser, without running anything.
 *
 * @param command - The command.
 * @param argv - Its arguments.
 * @param env - The environment it parses against.
 */
export function parseCommandLine<Options>(
  command: Command<Options>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Options {
  const { flags, positionals } = parseCommandArgs(command, argv);
  return command.parse(flags, positionals, env);
}
