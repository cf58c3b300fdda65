import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  descriptorOutput,
  type ProcessOutput,
} from '../../../../src/cli/shared/descriptor-output.js';
import { tempDir } from '../../../helpers/temp-dir.js';

/** A descriptor opened on `path` with `flags`, closed when the test ends. */
function openForTest(path: string, flags: string): number {
  const fd = openSync(path, flags);
  onTestFinished(() => closeSync(fd));
  return fd;
}

/** An empty temporary file and a descriptor writing it. */
async function tempFile(): Promise<{ path: string; fd: number }> {
  const path = join(await tempDir(), 'output');
  return { path, fd: openForTest(path, 'w') };
}

/**
 * Node's write stream on `fd` (left open: the test closes it), counting how
 * often it is opened and recording each chunk written through it.
 */
function countedStream(fd: number): {
  open: () => ProcessOutput;
  opened: () => number;
  written: string[];
} {
  let opened = 0;
  const written: string[] = [];
  const open = (): ProcessOutput => {
    opened += 1;
    const stream = createWriteStream('', { fd, autoClose: false });
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(Buffer.from(chunk).toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    return stream;
  };
  return { open, opened: () => opened, written };
}

/** A child's stdio stream that was spawned as a pipe. */
function piped<T>(stream: T | null | undefined): T {
  if (stream === null || stream === undefined) throw new Error('spawned without this pipe');
  return stream;
}

/** An `open` that must not be called. */
function neverOpened(): ProcessOutput {
  throw new Error('the stream was opened');
}

/** Collects the errors an output reports. */
function errorLog(): {
  errors: NodeJS.ErrnoException[];
  onError: (e: NodeJS.ErrnoException) => void;
} {
  const errors: NodeJS.ErrnoException[] = [];
  return { errors, onError: (error) => errors.push(error) };
}

/** Ends an output and waits until everything written through its stream is on the descriptor. */
function ended(output: ProcessOutput): Promise<void> {
  return new Promise((resolve) => output.end(resolve));
}

describe('descriptorOutput', () => {
  it('writes strings and bytes on the descriptor, multi-byte UTF-8 intact, without opening the stream', async () => {
    const { path, fd } = await tempFile();
    const log = errorLog();
    const output = descriptorOutput(fd, neverOpened, log.onError);
    const offsetBytes = Buffer.from('..bytes at an offset\n').subarray(2);
    expect(output.write('plain text\n')).toBe(true);
    expect(output.write(new TextEncoder().encode('a Uint8Array\n'))).toBe(true);
    expect(output.write(offsetBytes)).toBe(true);
    expect(output.write('héllo — 日本語 🎉\n')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(
      'plain text\na Uint8Array\nbytes at an offset\nhéllo — 日本語 🎉\n',
    );
    expect(log.errors).toEqual([]);
  });

  it('calls the callback of a direct write once, whether or not an encoding is given', async () => {
    const { path, fd } = await tempFile();
    const output = descriptorOutput(fd, neverOpened, errorLog().onError);
    const calls: string[] = [];
    output.write('one', (error) => calls.push(`one ${String(error ?? 'ok')}`));
    output.write(' two', 'utf8', (error) => calls.push(`two ${String(error ?? 'ok')}`));
    expect(calls).toEqual(['one ok', 'two ok']);
    expect(readFileSync(path, 'utf8')).toBe('one two');
  });

  it('honours the encoding given with a string, written directly and through the stream', async () => {
    const { path, fd } = await tempFile();
    const stream = countedStream(fd);
    const output = descriptorOutput(fd, stream.open, errorLog().onError);
    const calls: string[] = [];
    output.write('aGk=', 'base64', () => calls.push('direct'));
    output.on('finish', () => undefined);
    output.write('2021', 'hex', () => calls.push('stream'));
    await ended(output);
    expect(readFileSync(path, 'utf8')).toBe('hi !');
    expect(calls).toEqual(['direct', 'stream']);
  });

  it('opens the stream once for anything but write, and then writes through it, in order', async () => {
    const { path, fd } = await tempFile();
    const stream = countedStream(fd);
    const log = errorLog();
    const output = descriptorOutput(fd, stream.open, log.onError);
    output.write('first, direct; ');
    expect(stream.opened()).toBe(0);
    // A file stream has no isTTY: the property is the stream's, read from it.
    expect(output.isTTY).toBeUndefined();
    expect(stream.opened()).toBe(1);
    output.on('finish', () => undefined);
    expect(stream.opened()).toBe(1);
    output.write('second, ');
    output.write(new TextEncoder().encode('third through the stream'));
    await ended(output);
    expect(stream.opened()).toBe(1);
    expect(stream.written).toEqual(['second, ', 'third through the stream']);
    expect(readFileSync(path, 'utf8')).toBe('first, direct; second, third through the stream');
    expect(log.errors).toEqual([]);
  });

  it.each([
    {
      name: 'a descriptor open only for reading',
      code: 'EBADF',
      descriptor: async () => {
        const { path } = await tempFile();
        return openForTest(path, 'r');
      },
    },
    { name: '/dev/full', code: 'ENOSPC', descriptor: async () => openForTest('/dev/full', 'w') },
  ])(
    'gives $code on $name to onError once, then drops what follows',
    async ({ code, descriptor }) => {
      const fd = await descriptor();
      const log = errorLog();
      const output = descriptorOutput(fd, neverOpened, log.onError);
      // A caller waiting on a write's callback is told, as by a stream, and never left waiting.
      const told: (string | undefined)[] = [];
      const tell = (error?: Error | null) => told.push((error as NodeJS.ErrnoException)?.code);
      expect(output.write('lost', tell)).toBe(false);
      expect(log.errors.map((error) => error.code)).toEqual([code]);
      expect(output.write('dropped', 'utf8', tell)).toBe(false);
      expect(output.write(new Uint8Array([1, 2, 3]))).toBe(false);
      expect(log.errors.map((error) => error.code)).toEqual([code]);
      expect(told).toEqual([code, code]);
    },
  );

  it("gives the stream's own error, after it was opened, to onError", async () => {
    const { path } = await tempFile();
    const readOnly = openForTest(path, 'r');
    const stream = countedStream(readOnly);
    const reported = new Promise<NodeJS.ErrnoException>((resolve) => {
      const output = descriptorOutput(readOnly, stream.open, resolve);
      // `on` opens the stream; the write then goes through it and fails there, asynchronously.
      output.on('close', () => undefined);
      output.write('through a stream that cannot write');
    });
    expect((await reported).code).toBe('EBADF');
    expect(stream.opened()).toBe(1);
    expect(stream.written).toEqual(['through a stream that cannot write']);
  });

  it('hands the rest of a write to the stream when a non-blocking pipe is full (EAGAIN), keeping order', async () => {
    // A real full pipe: a child that reads nothing of its stdin until told to on
    // fd 3, then copies it to its stdout. The parent's end of a child's stdio
    // pipe is non-blocking (libuv), so writeSync on it fails with EAGAIN once full.
    const child = spawn('sh', ['-c', 'head -c 1 <&3 >/dev/null && exec cat'], {
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
    });
    onTestFinished(() => {
      child.kill();
    });
    const stdin = piped(child.stdin);
    const received: Buffer[] = [];
    piped(child.stdout).on('data', (chunk: Buffer) => received.push(chunk));
    const exited = new Promise((resolve) => child.on('close', resolve));
    // Node keeps the descriptor of a child's stdio pipe on its handle only.
    const fd = (stdin as unknown as { _handle: { fd: number } })._handle.fd;
    expect(fd).toBeGreaterThan(2);
    let opened = 0;
    const log = errorLog();
    const output = descriptorOutput(
      fd,
      () => {
        opened += 1;
        return stdin;
      },
      log.onError,
    );
    // Far more than a pipe or socket buffer holds (64 KiB to a few hundred KiB), never periodic in it.
    const large = Buffer.from(Array.from({ length: 4 << 20 }, (_, i) => (i * 7 + (i >> 12)) % 256));
    output.write(large);
    expect(opened).toBe(1);
    output.write('and then the tail');
    // Exactly the one byte head reads: a byte left unread would reset the socket.
    (piped(child.stdio[3]) as NodeJS.WritableStream).end('g');
    output.end();
    await exited;
    expect(
      Buffer.concat(received).equals(Buffer.concat([large, Buffer.from('and then the tail')])),
    ).toBe(true);
    expect(opened).toBe(1);
    expect(log.errors).toEqual([]);
  });
});
