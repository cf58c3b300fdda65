import { descriptorOutput, type ProcessOutput } from './descriptor-output.js';
import { ExitCode } from './exit-codes.js';

/** The streams and environment a command runs with; tests pass their own. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** The process's stdout and stderr, created once (see {@link processIO}). */
let outputs: { stdout: ProcessOutput; stderr: ProcessOutput } | undefined;

/**
 * The real process's streams and environment. stdout and stderr are written
 * on their descriptors until more than `write` is needed ({@link descriptorOutput}),
 * and stdin is taken only when read: `token` and `mcp headers`, run at every
 * request, never create a Node stream (issue 23). A write error follows
 * {@link onWriteError}.
 */
export function processIO(): CliIO {
  if (outputs === undefined) {
    // Windows: Node's stream, which writes a console in UTF-16 (WriteConsoleW); a
    // descriptor write would be bytes in the console's code page.
    if (process.platform === 'win32') outputs = { stdout: process.stdout, stderr: process.stderr };
    else {
      const stderr = descriptorOutput(2, () => process.stderr, onWriteError('stderr'));
      const stdout = descriptorOutput(1, () => process.stdout, onWriteError('stdout', stderr));
      outputs = { stdout, stderr };
    }
  }
  return {
    ...outputs,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/**
 * Gives the process's own stdout and stderr their write-error handling
 * ({@link onWriteError}) when they are created, whoever creates them: the
 * outputs of {@link processIO}, a library's default writer
 * (`process.stderr.write`), `process.emitWarning`. Without it, an `EPIPE` on
 * a stream nobody listens on is an uncaught exception, and the command dies
 * before printing its answer. Node creates the streams lazily, behind a getter
 * on `process`: the getter is wrapped, not called, so nothing is created early
 * (start-up, issue 23). Call once, at the start of the bin.
 */
export function guardProcessOutputs(): void {
  const { stderr } = processIO();
  guard('stderr', onWriteError('stderr'));
  guard('stdout', onWriteError('stdout', stderr));
}

function guard(name: 'stdout' | 'stderr', handler: (error: NodeJS.ErrnoException) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const create = own?.get;
  if (create === undefined) {
    process[name].on('error', handler);
    return;
  }
  let stream: NodeJS.WriteStream | undefined;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own?.enumerable ?? true,
    get() {
      if (stream === undefined) {
        stream = create.call(process) as NodeJS.WriteStream;
        stream.on('error', handler);
      }
      return stream;
    },
  });
}

let lost = false;

/**
 * What happens when the process's output cannot be written. A reader that
 * went away (`claude-auth status | head -1`) ends the output, not the
 * command: `EPIPE` is dropped without a stack, and the command's own exit
 * code stands. Any other write error (`status >/dev/full`: `ENOSPC`, `EIO`)
 * means output was lost: one line on `report` when given, exit code 1 (see
 * {@link outputLost}), never a stack.
 *
 * @param name - The output's name, for the message.
 * @param report - Where the one line goes (stderr for stdout; nothing for stderr itself).
 * @returns The handler of the output's write errors.
 */
export function onWriteError(
  name: 'stdout' | 'stderr',
  report?: Pick<NodeJS.WritableStream, 'write'>,
): (error: NodeJS.ErrnoException) => void {
  return (error) => {
    if (error.code === 'EPIPE' || lost) return;
    lost = true;
    process.exitCode = ExitCode.ERROR;
    const reason = (error.message.split(',')[0] ?? '').replace(/^[A-Z]+: /, '');
    report?.write(`claude-auth: cannot write to ${name}: ${reason} (${error.code ?? 'error'})\n`);
  };
}

/**
 * Whether output was lost to a write error other than `EPIPE` (see
 * {@link onWriteError}): the exit code is then 1, whatever the command returned.
 */
export function outputLost(): boolean {
  return lost;
}

const CODES = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1 } as const;

/**
 * Colours for one stream: only on a terminal, never with `NO_COLOR`
 * (no-color.org) or `TERM=dumb`.
 */
export function palette(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): Record<keyof typeof CODES, (text: string) => string> {
  const enabled = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  const paint = (code: number) => (text: string) =>
    enabled ? `\u001b[${code}m${text}\u001b[0m` : text;
  return {
    green: paint(CODES.green),
    yellow: paint(CODES.yellow),
    red: paint(CODES.red),
    dim: paint(CODES.dim),
    bold: paint(CODES.bold),
  };
}

/**
 * Reads a whole stream as text (for `--with-token`).
 *
 * @param stream - The stream.
 * @param echo - Called with each chunk as it arrives.
 */
export async function readAll(
  stream: NodeJS.ReadableStream,
  echo: (chunk: string) => void = () => undefined,
): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk;
    echo(String(chunk));
  }
  return text;
}

/**
 * A spinner on a terminal while something runs; nothing at all elsewhere.
 *
 * @returns A function that stops it and clears its line.
 */
export function startSpinner(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  text: string,
): () => void {
  if (stream.isTTY !== true) return () => undefined;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const timer = setInterval(() => {
    stream.write(`\r${frames[frame++ % frames.length]} ${text}`);
  }, 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    stream.write('\r\u001b[2K');
  };
}
