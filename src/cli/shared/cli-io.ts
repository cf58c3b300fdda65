/** The streams and environment a command runs with; tests pass their own. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** The real process's streams and environment. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * A reader that went away (`claude-auth status | head -1`) ends the output,
 * not the command: `EPIPE` on the stream is dropped without a stack, and the
 * command's own exit code stands. Any other stream error is still thrown.
 *
 * @param stream - stdout or stderr of the process.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
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
