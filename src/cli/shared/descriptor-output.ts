import { writeSync } from 'node:fs';

/** A process output as commands use it: Node's stream type, `write` and `isTTY` above all. */
export type ProcessOutput = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * stdout or stderr of the process, written with `fs.writeSync` on its file
 * descriptor until something asks for more than `write` (an `isTTY` check,
 * `on`, a readline prompt): only then is Node's stream (`process.stdout`)
 * created, and everything from then on goes through it.
 *
 * Why: creating `process.stdout` loads Node's stream machinery, and for a
 * pipe (how Claude Code runs `claude-auth token` and `mcp headers`) `node:net`
 * as well; that alone is a tenth of a bare `node -e 0`, on a command run at
 * every request (issue 23). Order within the output is kept: a direct write
 * is complete when it returns, and once the stream exists every write goes
 * through it. Between stdout and stderr the order is what Node's own streams
 * give: kept where Node writes synchronously (files, terminals, Linux pipes),
 * not promised for macOS pipes. (Windows uses Node's streams: `processIO`.)
 *
 * A descriptor in non-blocking mode that is full (`EAGAIN`, a parent's pipe)
 * hands the rest to the stream, which waits for it. Any other write error is
 * given to `onError` once, and the output then drops what follows, as a
 * stream that failed does (each write's callback is given the error).
 *
 * @param fd - The descriptor: 1 or 2 for the process's outputs. Any descriptor
 *   works (a number, not `1 | 2`) so that a test can write a temporary file,
 *   a full pipe or `/dev/full` through the same code.
 * @param open - Returns Node's stream for the descriptor (`() => process.stdout`).
 * @param onError - Told of a write error other than `EAGAIN`, and of the stream's own.
 * @returns The output.
 */
export function descriptorOutput(
  fd: number,
  open: () => ProcessOutput,
  onError: (error: NodeJS.ErrnoException) => void,
): ProcessOutput {
  let stream: ProcessOutput | undefined;
  let failure: NodeJS.ErrnoException | undefined;
  const opened = (): ProcessOutput => {
    if (stream === undefined) {
      stream = open();
      stream.on('error', onError);
    }
    return stream;
  };
  // Node's signature, `write(chunk, [encoding], [callback])`, kept whole: a string in
  // `hex` or `base64` is the bytes it encodes, and a caller waiting on the callback
  // is told of a failure as a stream tells it, never left waiting.
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const encoding = rest.find((arg) => typeof arg === 'string') as BufferEncoding | undefined;
    const callback = rest.find((arg) => typeof arg === 'function') as
      | ((error?: Error | null) => void)
      | undefined;
    if (stream !== undefined) {
      return typeof chunk === 'string' && encoding !== undefined
        ? stream.write(chunk, encoding, callback)
        : stream.write(chunk, callback);
    }
    if (failure !== undefined) {
      callback?.(failure);
      return false;
    }
    const data = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
    let written = 0;
    try {
      while (written < data.length) written += writeSync(fd, data, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return opened().write(data.subarray(written), callback);
      failure = error as NodeJS.ErrnoException;
      onError(failure);
      callback?.(failure);
      return false;
    }
    callback?.(null);
    return true;
  };
  // Everything but `write` is the stream's: a Proxy, so no member of Node's stream type is missed.
  return new Proxy({} as ProcessOutput, {
    get(_target, property) {
      if (property === 'write') return write;
      const target = opened();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, property, value) {
      return Reflect.set(opened(), property, value);
    },
  });
}
