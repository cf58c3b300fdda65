import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/cli-io.js';

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
