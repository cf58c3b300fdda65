import { execFileSync } from 'node:child_process';
import { constants, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../../src/errors/authentication-error.js';
import { type FileSystem, nodeFileSystem } from '../../../../src/store/file/file-system.js';
import {
  copyPrivateFile,
  MAX_PRIVATE_FILE_BYTES,
  readPrivateFile,
  readPrivateFileSync,
  writePrivateFileAtomic,
} from '../../../../src/store/file/secure-file.js';
import { tempDir } from '../../../helpers/temp-dir.js';

/** The real file system, recording each call (and each sync of an opened file) in order. */
function recordingFileSystem(): { fs: FileSystem; calls: string[] } {
  const calls: string[] = [];
  const recorded: FileSystem = {
    ...nodeFileSystem,
    open: (async (path: string, flags?: number | string, mode?: number) => {
      calls.push(`open ${path}`);
      const handle = await fs.open(path, flags, mode);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.push(`sync ${path}`);
        await sync();
      };
      return handle;
    }) as FileSystem['open'],
    rename: async (from, to) => {
      calls.push(`rename ${from} ${to}`);
      await fs.rename(from, to);
    },
  };
  return { fs: recorded, calls };
}

/** A promise and its resolver. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** The real file system, with `before` run on the path of each open for reading, just before it. */
function interposedReadFileSystem(before: (path: string) => Promise<void>): FileSystem {
  return {
    ...nodeFileSystem,
    open: (async (path: string, flags?: number, mode?: number) => {
      if (typeof flags === 'number' && (flags & constants.O_CREAT) === 0) await before(path);
      return fs.open(path, flags, mode);
    }) as FileSystem['open'],
  };
}

/** The real file system, recording whether each file handle it opened was closed again. */
function handleCountingFileSystem(readFails = false): { fs: FileSystem; open: () => number } {
  let open = 0;
  const counted: FileSystem = {
    ...nodeFileSystem,
    open: (async (path: string, flags?: number, mode?: number) => {
      const handle = await fs.open(path, flags, mode);
      open += 1;
      const close = handle.close.bind(handle);
      handle.close = async () => {
        open -= 1;
        await close();
      };
      if (readFails) {
        handle.readFile = (async () => {
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        }) as typeof handle.readFile;
      }
      return handle;
    }) as FileSystem['open'],
  };
  return { fs: counted, open: () => open };
}

/** The real file system, with `plant` run at the temporary name just before it is created. */
function plantingFileSystem(plant: (temporary: string) => Promise<void>): FileSystem {
  return {
    ...nodeFileSystem,
    open: (async (path: string, flags?: number, mode?: number) => {
      if (typeof flags === 'number' && (flags & constants.O_CREAT) !== 0) await plant(path);
      return fs.open(path, flags, mode);
    }) as FileSystem['open'],
  };
}

describe('writePrivateFileAtomic', () => {
  it('fsyncs the temporary file before renaming it over the target, then fsyncs the directory', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    const { fs: recorded, calls } = recordingFileSystem();
    await writePrivateFileAtomic(path, 'contents', { fs: recorded });
    const rename = calls.findIndex((call) => call.startsWith('rename '));
    const temporary = (calls[rename] as string).split(' ')[1] as string;
    expect(calls.indexOf(`sync ${temporary}`)).toBeGreaterThan(-1);
    expect(calls.indexOf(`sync ${temporary}`)).toBeLessThan(rename);
    expect(calls.indexOf(`sync ${dir}`)).toBeGreaterThan(rename);
    expect(await fs.readFile(path, 'utf8')).toBe('contents');
  });

  it('refuses a file planted at the temporary name, writing neither it nor the target', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    await writePrivateFileAtomic(path, 'old');
    let planted = '';
    const environment = {
      fs: plantingFileSystem(async (temporary) => {
        planted = temporary;
        await fs.writeFile(temporary, 'attacker', { mode: 0o644 });
      }),
    };
    await expect(writePrivateFileAtomic(path, 'secret', environment)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_IO,
      message: expect.stringContaining(`Could not write ${path} (EEXIST)`),
    });
    expect(await fs.readFile(planted, 'utf8')).toBe('attacker');
    expect(await fs.readFile(path, 'utf8')).toBe('old');
  });

  it('refuses a symlink planted at the temporary name, never writing through it', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    const elsewhere = join(await tempDir(), 'exfiltrated');
    await writePrivateFileAtomic(path, 'old');
    const environment = {
      fs: plantingFileSystem((temporary) => fs.symlink(elsewhere, temporary)),
    };
    await expect(writePrivateFileAtomic(path, 'secret', environment)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_IO,
    });
    await expect(fs.stat(elsewhere)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readFile(path, 'utf8')).toBe('old');
  });

  it('leaves the target untouched when the last check before the rename refuses', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    await writePrivateFileAtomic(path, 'old');
    await expect(
      writePrivateFileAtomic(path, 'new', {}, async () => {
        throw new Error('lease lost');
      }),
    ).rejects.toThrow();
    expect(await fs.readFile(path, 'utf8')).toBe('old');
    expect((await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('gives concurrent writes of one file distinct temporary names, even within one millisecond', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    const temporaries: string[] = [];
    const environment = {
      fs: plantingFileSystem(async (temporary) => {
        temporaries.push(temporary);
      }),
    };
    // One clock reading for every write: only the per-write counter can tell their names apart.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    // Every write holds its temporary file until all have created theirs (or failed), then
    // stops short of the rename: concurrent renames onto one file are not what is checked here.
    const writes = 8;
    let pending = writes;
    const allHeld = gate();
    const settle = () => {
      pending -= 1;
      if (pending === 0) allHeld.open();
    };
    const stop = new Error('stopped before the rename');
    const write = async (text: string): Promise<unknown> => {
      let held = false;
      try {
        await writePrivateFileAtomic(path, text, environment, async () => {
          held = true;
          settle();
          await allHeld.opened;
          throw stop;
        });
        return 'renamed';
      } catch (error) {
        if (!held) settle();
        return error;
      }
    };
    const outcomes = await Promise.all(Array.from({ length: writes }, (_, i) => write(`${i}`)));
    expect(outcomes).toEqual(Array.from({ length: writes }, () => stop));
    expect(new Set(temporaries).size).toBe(writes);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('once renamed, the temporary name is no longer its own: a failed directory fsync removes nothing there', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    let reused = '';
    const failingAfterRename: FileSystem = {
      ...nodeFileSystem,
      rename: async (from, to) => {
        await fs.rename(from, to);
        // Someone else's file now holds the name the rename freed.
        reused = String(from);
        await fs.writeFile(reused, 'not ours', { mode: 0o600 });
      },
      open: (async (target: string, flags?: number, mode?: number) => {
        if (target === dir) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return fs.open(target, flags, mode);
      }) as FileSystem['open'],
    };
    await expect(
      writePrivateFileAtomic(path, 'new', { fs: failingAfterRename }),
    ).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_IO });
    expect(await fs.readFile(path, 'utf8')).toBe('new');
    expect(await fs.readFile(reused, 'utf8')).toBe('not ours');
  });

  it('on Windows writes without POSIX mode checks and tolerates a directory that cannot be fsynced', async () => {
    const dir = await tempDir();
    await fs.chmod(dir, 0o777);
    const path = join(dir, 'tokens.json');
    const refusingDirectorySync: FileSystem = {
      ...nodeFileSystem,
      open: (async (target: string, flags?: number, mode?: number) => {
        if (target === dir) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
        return fs.open(target, flags, mode);
      }) as FileSystem['open'],
    };
    await expect(
      writePrivateFileAtomic(path, 'x', { fs: refusingDirectorySync, platform: 'linux' }),
    ).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_INSECURE });
    await fs.chmod(dir, 0o700);
    await expect(
      writePrivateFileAtomic(path, 'x', { fs: refusingDirectorySync, platform: 'linux' }),
    ).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_IO });
    await fs.chmod(dir, 0o777);
    await writePrivateFileAtomic(path, 'windows', { fs: refusingDirectorySync, platform: 'win32' });
    expect(await fs.readFile(path, 'utf8')).toBe('windows');
  });
});

/** A named pipe at `path`: opening it for reading blocks until a writer comes, unless O_NONBLOCK. */
function makeFifo(path: string): void {
  execFileSync('mkfifo', ['-m', '600', path]);
}

describe.skipIf(process.platform === 'win32')('a FIFO where a token file belongs', () => {
  it('is refused as not a regular file when read, instead of blocking on open', async () => {
    const path = join(await tempDir(), 'tokens.json');
    makeFifo(path);
    await expect(readPrivateFile(path)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
      message: expect.stringContaining('not a regular file'),
    });
  });

  it('is refused when kept aside before a new login, instead of blocking on open', async () => {
    const directory = await tempDir();
    const path = join(directory, 'tokens.json');
    makeFifo(path);
    await expect(copyPrivateFile(path, join(directory, 'copy'))).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
    });
    await expect(fs.access(join(directory, 'copy'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('readPrivateFile', () => {
  it('refuses a 3 MiB file with a clear error, reading nothing and changing nothing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    const huge = `{"version":1,"kind":"oauth","accessToken":"a","padding":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    await fs.writeFile(path, huge, { mode: 0o600 });
    const before = await fs.stat(path);
    await expect(readPrivateFile(path)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_CORRUPT,
      message: expect.stringContaining(`limit ${MAX_PRIVATE_FILE_BYTES} bytes`),
    });
    const after = await fs.stat(path);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([
      before.size,
      before.mtimeMs,
      before.ino,
    ]);
  });

  it('reports a file removed between its inspection and its opening as absent', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'removed meanwhile', { mode: 0o600 });
    const environment = { fs: interposedReadFileSystem((target) => fs.rm(target)) };
    expect(await readPrivateFile(path, environment)).toBeNull();
  });

  // Node defines no O_NOFOLLOW on Windows: there the open itself cannot refuse a link.
  it.skipIf(process.platform === 'win32')(
    'refuses a file swapped for a symbolic link between its inspection and its opening',
    async () => {
      const dir = await tempDir();
      const path = join(dir, 'tokens.json');
      const lure = join(dir, 'lure.json');
      await fs.writeFile(path, 'genuine', { mode: 0o600 });
      await fs.writeFile(lure, 'swapped in', { mode: 0o600 });
      const environment = {
        fs: interposedReadFileSystem(async (target) => {
          await fs.rm(target);
          await fs.symlink(lure, target);
        }),
      };
      await expect(readPrivateFile(path, environment)).rejects.toMatchObject({
        code: AuthErrorCode.STORAGE_INSECURE,
        message: expect.stringContaining('it changed into a symbolic link while being read'),
        fix: `remove ${path}`,
      });
    },
  );

  it('reports any other failure to open the file as a storage I/O error naming the path', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'unopenable', { mode: 0o600 });
    const environment = {
      fs: interposedReadFileSystem(async () => {
        throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      }),
    };
    await expect(readPrivateFile(path, environment)).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_IO,
      message: expect.stringContaining(`Could not open ${path} (EMFILE)`),
    });
  });

  it('reports a failed read as a storage I/O error and closes the file', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'unreadable', { mode: 0o600 });
    const counted = handleCountingFileSystem(true);
    await expect(readPrivateFile(path, { fs: counted.fs })).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_IO,
      message: expect.stringContaining(`Could not read ${path} (EIO)`),
    });
    expect(counted.open()).toBe(0);
  });

  it('closes the file it refuses, keeping the refusal as it is', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'shared', { mode: 0o644 });
    await fs.chmod(path, 0o644);
    const counted = handleCountingFileSystem();
    await expect(
      readPrivateFile(path, { fs: counted.fs, platform: 'linux' }),
    ).rejects.toMatchObject({ code: AuthErrorCode.STORAGE_INSECURE });
    expect(counted.open()).toBe(0);
  });

  it('reads a file of exactly the limit', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'x'.repeat(MAX_PRIVATE_FILE_BYTES), { mode: 0o600 });
    expect((await readPrivateFile(path))?.length).toBe(MAX_PRIVATE_FILE_BYTES);
  });

  it('on Windows does not judge a file by POSIX modes (libuv reports 0666 there)', async () => {
    const path = join(await tempDir(), 'tokens.json');
    await fs.writeFile(path, 'shared', { mode: 0o666 });
    await fs.chmod(path, 0o666);
    await expect(readPrivateFile(path, { platform: 'linux' })).rejects.toMatchObject({
      code: AuthErrorCode.STORAGE_INSECURE,
    });
    expect(await readPrivateFile(path, { platform: 'win32' })).toBe('shared');
  });
});

/** What a read of a private file came to: its value, or its error's code, message and fix. */
type ReadOutcome =
  | { readonly value: string | null }
  | { readonly code: string; readonly message: string; readonly fix: string | undefined };

function outcomeOfError(error: unknown): ReadOutcome {
  if (!(error instanceof AuthenticationError)) throw error;
  return { code: error.code, message: error.message, fix: error.fix };
}

async function asyncOutcome(path: string, platform: NodeJS.Platform): Promise<ReadOutcome> {
  try {
    return { value: await readPrivateFile(path, { platform }) };
  } catch (error) {
    return outcomeOfError(error);
  }
}

function syncOutcome(path: string, platform: NodeJS.Platform): ReadOutcome {
  try {
    return { value: readPrivateFileSync(path, platform) };
  } catch (error) {
    return outcomeOfError(error);
  }
}

/** A private file of `contents` at `path`, with exactly `mode` (whatever the umask). */
async function fileWithMode(path: string, contents: string, mode: number): Promise<void> {
  await fs.writeFile(path, contents, { mode });
  await fs.chmod(path, mode);
}

/** A user the tests run as root can give a file to: `nobody`. */
const OTHER_UID = 65534;

interface ParityCase {
  readonly name: string;
  /** Prepares `path` (in a fresh directory `dir`); a string it returns is read instead. */
  readonly arrange: (path: string, dir: string) => Promise<unknown>;
  /** What both reads must come to: a value, or an error's code and a part of its message. */
  readonly expected: { readonly value: string | null } | { code: string; says: string };
  readonly platform?: NodeJS.Platform;
  readonly onlyAsRoot?: boolean;
}

const posixOnly = process.platform !== 'win32';

const parityCases: readonly ParityCase[] = [
  { name: 'an absent file', arrange: async () => undefined, expected: { value: null } },
  {
    name: 'a regular 0600 file',
    arrange: (path) => fileWithMode(path, 'private', 0o600),
    expected: { value: 'private' },
  },
  ...[0o640, 0o604, 0o601, 0o644, 0o700, 0o660].map(
    (mode): ParityCase => ({
      name: `a file of mode ${mode.toString(8)}`,
      arrange: (path) => fileWithMode(path, 'shared', mode),
      // 0700 has no group or other bit, so only the owner's execute bit differs: accepted.
      expected:
        (mode & 0o077) === 0
          ? { value: 'shared' }
          : { code: AuthErrorCode.STORAGE_INSECURE, says: `its permissions (${mode.toString(8)})` },
    }),
  ),
  {
    name: 'a FIFO (refused at once, never blocking)',
    arrange: async (path) => makeFifo(path),
    expected: { code: AuthErrorCode.STORAGE_CORRUPT, says: 'not a regular file' },
  },
  {
    name: 'a directory',
    arrange: (path) => fs.mkdir(path, { mode: 0o700 }),
    expected: { code: AuthErrorCode.STORAGE_CORRUPT, says: 'not a regular file' },
  },
  {
    name: 'a symlink to an own 0600 file',
    arrange: async (path, dir) => {
      await fileWithMode(join(dir, 'target.json'), 'linked', 0o600);
      await fs.symlink(join(dir, 'target.json'), path);
    },
    expected: { value: 'linked' },
  },
  {
    name: 'an empty 0600 file',
    arrange: (path) => fileWithMode(path, '', 0o600),
    expected: { value: '' },
  },
  {
    name: 'a path under a regular file (ENOTDIR)',
    arrange: async (path) => {
      await fileWithMode(path, 'a file, not a directory', 0o600);
      return join(path, 'tokens.json');
    },
    expected: { code: AuthErrorCode.STORAGE_IO, says: '(ENOTDIR)' },
  },
  {
    name: 'a relative symlink to an own 0600 file',
    arrange: async (path) => {
      await fileWithMode(`${path}.real`, 'relative', 0o600);
      await fs.symlink('tokens.json.real', path);
    },
    expected: { value: 'relative' },
  },
  {
    name: 'a symlink to an own 0644 file (the fix names the real file)',
    arrange: async (path, dir) => {
      await fileWithMode(join(dir, 'shared.json'), 'shared', 0o644);
      await fs.symlink(join(dir, 'shared.json'), path);
    },
    expected: { code: AuthErrorCode.STORAGE_INSECURE, says: 'its permissions (644)' },
  },
  {
    name: 'a loop of symlinks',
    arrange: async (path, dir) => {
      await fs.symlink(join(dir, 'other'), path);
      await fs.symlink(path, join(dir, 'other'));
    },
    expected: { code: AuthErrorCode.STORAGE_IO, says: 'Could not resolve' },
  },
  {
    name: 'a dangling symlink',
    arrange: (path, dir) => fs.symlink(join(dir, 'nowhere.json'), path),
    expected: { code: AuthErrorCode.STORAGE_INSECURE, says: 'to a file that does not exist' },
  },
  {
    name: 'a symlink to a FIFO',
    arrange: async (path, dir) => {
      makeFifo(join(dir, 'pipe'));
      await fs.symlink(join(dir, 'pipe'), path);
    },
    expected: { code: AuthErrorCode.STORAGE_CORRUPT, says: 'not a regular file' },
  },
  {
    name: 'a file of exactly the size limit',
    arrange: (path) => fileWithMode(path, 'x'.repeat(MAX_PRIVATE_FILE_BYTES), 0o600),
    expected: { value: 'x'.repeat(MAX_PRIVATE_FILE_BYTES) },
  },
  {
    name: 'a file one byte over the size limit',
    arrange: (path) => fileWithMode(path, 'x'.repeat(MAX_PRIVATE_FILE_BYTES + 1), 0o600),
    expected: {
      code: AuthErrorCode.STORAGE_CORRUPT,
      says: `limit ${MAX_PRIVATE_FILE_BYTES} bytes`,
    },
  },
  {
    name: 'a 0644 file on Windows (no POSIX modes there)',
    arrange: (path) => fileWithMode(path, 'windows', 0o644),
    expected: { value: 'windows' },
    platform: 'win32',
  },
  {
    name: 'a file of another user',
    arrange: async (path) => {
      await fileWithMode(path, 'theirs', 0o600);
      await fs.chown(path, OTHER_UID, OTHER_UID);
    },
    expected: {
      code: AuthErrorCode.STORAGE_INSECURE,
      says: `belongs to another user (uid ${OTHER_UID})`,
    },
    onlyAsRoot: true,
  },
  {
    name: "a symlink into another user's file",
    arrange: async (path, dir) => {
      await fileWithMode(join(dir, 'theirs.json'), 'theirs', 0o600);
      await fs.chown(join(dir, 'theirs.json'), OTHER_UID, OTHER_UID);
      await fs.symlink(join(dir, 'theirs.json'), path);
    },
    expected: {
      code: AuthErrorCode.STORAGE_INSECURE,
      says: `symbolic link into a file of another user (uid ${OTHER_UID})`,
    },
    onlyAsRoot: true,
  },
];

describe.runIf(posixOnly)('readPrivateFileSync', () => {
  const asRoot = process.getuid?.() === 0;
  for (const testCase of parityCases) {
    it.runIf(testCase.onlyAsRoot !== true || asRoot)(
      `gives what readPrivateFile gives for ${testCase.name}`,
      async () => {
        const dir = await tempDir();
        const arranged = await testCase.arrange(join(dir, 'tokens.json'), dir);
        const path = typeof arranged === 'string' ? arranged : join(dir, 'tokens.json');
        const platform = testCase.platform ?? 'linux';
        const before = await fs.lstat(path).catch(() => null);
        const synchronous = syncOutcome(path, platform);
        const asynchronous = await asyncOutcome(path, platform);
        expect(synchronous).toEqual(asynchronous);
        if ('value' in testCase.expected) {
          expect(synchronous).toEqual({ value: testCase.expected.value });
        } else {
          expect(synchronous).toMatchObject({
            code: testCase.expected.code,
            message: expect.stringContaining(testCase.expected.says),
          });
        }
        // A read changes nothing at the path, refused or not.
        const after = await fs.lstat(path).catch(() => null);
        expect([after?.ino, after?.mode, after?.size]).toEqual([
          before?.ino,
          before?.mode,
          before?.size,
        ]);
      },
    );
  }

  it('closes every descriptor it opens, for a file it reads and for one it refuses', async () => {
    const dir = await tempDir();
    const readable = join(dir, 'tokens.json');
    const refused = join(dir, 'open.json');
    await fileWithMode(readable, 'ok', 0o600);
    await fileWithMode(refused, 'shared', 0o644);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      expect(readPrivateFileSync(readable, 'linux')).toBe('ok');
      expect(() => readPrivateFileSync(refused, 'linux')).toThrow(AuthenticationError);
    }
    expect(open()).toBe(before);
  });
});
