import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { type FileEnvironment, type FileSystem, nodeFileSystem } from './file-system.js';

/** How long a caller waits for another process's lock before giving up. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;
/**
 * How long a lease lasts without its holder renewing it: a lock untouched this
 * long was left by a dead (or stalled) holder and is taken over. The holder
 * renews every quarter of it.
 */
export const DEFAULT_LOCK_STALE_MS = 10_000;
/** The shortest lease: renewals must not compete with the work they protect. */
const MIN_LOCK_STALE_MS = 1_000;
const OWNER_FILE = 'owner.json';

/** Bounds of the cross-process lock of a token file. */
export interface FileLockOptions {
  /** Bounded wait for the lock, in milliseconds; default 30 000. */
  waitMs?: number;
  /**
   * The lease: a lock not renewed this long (ms, at least 1000) was left by a
   * dead or stalled holder and is taken over; default 10 000. Recorded in the
   * lock, so waiters judge it by the holder's own lease.
   */
  staleMs?: number;
  /** Told each time this process removed a dead holder's lock to take it (an exact count). */
  onTakeover?: () => void;
}

/** What the locked section may ask of its lock. */
export interface HeldLock {
  /**
   * Whether the lock is still ours, checked against the owner record on disk
   * now (and renewed when it is). False after another process took it over
   * because we stalled past the lease; writes must then be abandoned.
   */
  readonly confirm: () => Promise<boolean>;
  /** Milliseconds of lease left since it was last renewed or confirmed (0 once lost). */
  readonly remainingMs: () => number;
}

/** The record inside a lock directory naming its holder. */
interface OwnerRecord {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly leaseMs: number;
}

async function readOwner(fs: FileSystem, lockPath: string): Promise<OwnerRecord | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(join(lockPath, OWNER_FILE), 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return undefined;
    const record = data as Partial<OwnerRecord>;
    return typeof record.id === 'string' && typeof record.leaseMs === 'number'
      ? (record as OwnerRecord)
      : undefined;
  } catch {
    // Absent (a holder between mkdir and writing it, or an older release's lock) or torn.
    return undefined;
  }
}

function lockTimeout(lockPath: string, waitMs: number, owner: OwnerRecord | undefined) {
  const holder = owner === undefined ? '' : ` (pid ${owner.pid} on ${owner.host})`;
  return new AuthenticationError(
    AuthErrorCode.STORAGE_LOCK_TIMEOUT,
    `Another process${holder} has held the lock ${lockPath} for over ${Math.round(waitMs / 1000)} s.`,
    { fix: `wait and retry; if no claude-auth process is running, remove ${lockPath}` },
  );
}

/**
 * Removes a lock judged dead, if it is still the one judged: it is first
 * renamed to a private name, then its owner checked; a lock that turned out to
 * be a new holder's (taken between the judgement and the rename) is put back.
 *
 * @returns Whether a dead holder's lock was removed.
 */
async function removeDeadLock(
  fs: FileSystem,
  lockPath: string,
  judged: OwnerRecord | undefined,
  ourId: string,
): Promise<boolean> {
  const aside = `${lockPath}.stale-${ourId}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return false;
  }
  const found = await readOwner(fs, aside);
  if (found?.id !== judged?.id) {
    // A live holder's lock: its owner check before writing would catch the loss, but restore it.
    await fs.rename(aside, lockPath).catch(() => fs.rm(aside, { recursive: true, force: true }));
    return false;
  }
  await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  return true;
}

/**
 * Runs `section` while holding an exclusive, cross-process lease on `key`:
 * a `key.lock` directory created atomically by `mkdir`, holding an owner
 * record (a random id, pid, host and lease length) and renewed by touching it
 * every quarter lease. A lock not renewed for its lease is taken over, so a
 * holder that stalls loses it; the holder therefore confirms ownership against
 * the record on disk right before writing ({@link HeldLock.confirm}) rather
 * than trusting a timer. Waiting is bounded.
 *
 * @param key - The resolved path of the file to lock; it need not exist.
 * @param section - The work to do under the lock.
 * @param options - See {@link FileLockOptions}.
 * @param environment - The file-system layer.
 * @returns What `section` returns.
 * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT` when the wait runs out.
 */
export async function withFileLock<T>(
  key: string,
  section: (lock: HeldLock) => Promise<T>,
  options: FileLockOptions = {},
  environment: FileEnvironment = {},
): Promise<T> {
  const fs = environment.fs ?? nodeFileSystem;
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const leaseMs = Math.max(MIN_LOCK_STALE_MS, options.staleMs ?? DEFAULT_LOCK_STALE_MS);
  const lockPath = `${key}.lock`;
  const owner: OwnerRecord = {
    id: randomBytes(12).toString('hex'),
    pid: process.pid,
    host: hostname(),
    leaseMs,
  };
  const deadline = Date.now() + waitMs;
  let pause = 5;
  try {
    await fs.mkdir(dirname(key), { recursive: true, mode: 0o700 });
  } catch {
    // mkdir of the lock below reports the real problem.
  }
  for (;;) {
    try {
      await fs.mkdir(lockPath, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AuthenticationError(
          AuthErrorCode.STORAGE_IO,
          `Could not create the lock ${lockPath} (${(error as NodeJS.ErrnoException).code}).`,
          { cause: error, fix: `check that ${dirname(lockPath)} exists and belongs to you` },
        );
      }
    }
    const holder = await readOwner(fs, lockPath);
    const touched = await fs.stat(lockPath).then(
      (info) => info.mtimeMs,
      () => undefined,
    );
    if (touched === undefined) continue; // released meanwhile
    const dead = Date.now() - touched > (holder?.leaseMs ?? DEFAULT_LOCK_STALE_MS);
    if (dead && (await removeDeadLock(fs, lockPath, holder, owner.id))) {
      options.onTakeover?.();
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(lockPath, waitMs, holder);
    // Jittered backoff, so contending processes do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
    pause = Math.min(pause * 2, 100);
  }
  const held = new Lease(fs, lockPath, owner);
  try {
    const file = await fs.open(
      join(lockPath, OWNER_FILE),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
    await file.writeFile(JSON.stringify(owner)).finally(() => file.close());
    return await section({
      confirm: () => held.confirm(),
      remainingMs: () => held.remainingMs(),
    });
  } finally {
    await held.release();
  }
}

/** Our hold on one lock: renewal, confirmation, release. */
class Lease {
  readonly #fs: FileSystem;
  readonly #path: string;
  readonly #owner: OwnerRecord;
  readonly #timer: NodeJS.Timeout;
  #renewedAt = Date.now();
  #lost = false;

  constructor(fs: FileSystem, path: string, owner: OwnerRecord) {
    this.#fs = fs;
    this.#path = path;
    this.#owner = owner;
    this.#timer = setInterval(() => void this.confirm(), owner.leaseMs / 4);
    this.#timer.unref();
  }

  remainingMs(): number {
    return this.#lost ? 0 : Math.max(0, this.#renewedAt + this.#owner.leaseMs - Date.now());
  }

  /** Checks the owner record on disk and, when it is still ours, renews the lease. */
  async confirm(): Promise<boolean> {
    if (this.#lost) return false;
    const found = await readOwner(this.#fs, this.#path);
    if (found?.id !== this.#owner.id) {
      this.#lost = true;
      return false;
    }
    const now = new Date();
    await this.#fs.utimes(this.#path, now, now).catch(() => undefined);
    this.#renewedAt = now.getTime();
    return true;
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#lost) return;
    this.#lost = true;
    // Renamed first, so a lock another process took over meanwhile is never the one removed.
    const aside = `${this.#path}.released-${this.#owner.id}`;
    try {
      await this.#fs.rename(this.#path, aside);
    } catch {
      return;
    }
    if ((await readOwner(this.#fs, aside))?.id !== this.#owner.id) {
      await this.#fs.rename(aside, this.#path).catch(() => undefined);
      return;
    }
    await this.#fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  }
}
