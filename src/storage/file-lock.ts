import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** How long a caller waits for another process's lock before giving up. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;
/**
 * A lock whose holder stopped touching it this long ago is taken over: its
 * holder died (proper-lockfile refreshes a live lock every `stale / 2`).
 */
export const DEFAULT_LOCK_STALE_MS = 10_000;

/** Bounds of the cross-process lock of a token file. */
export interface FileLockOptions {
  /** Bounded wait for the lock, in milliseconds; default 30 000. */
  waitMs?: number;
  /** A lock untouched this long (ms, at least 5000) was left by a dead process; default 10 000. */
  staleMs?: number;
  /**
   * Told when this process got the lock only after waiting past the staleness
   * threshold: a dead holder's lock was taken over (by this process or, when
   * several waited, by one of them first).
   */
  onTakeover?: () => void;
}

/** What the locked section may ask of its lock. */
export interface HeldLock {
  /**
   * Whether the lock is still ours. False after another process took it over
   * (we stalled past the staleness threshold); writes must then be abandoned.
   */
  readonly isHeld: () => boolean;
}

/**
 * Runs `section` while holding an exclusive, cross-process lock on `path`
 * (a `path.lock` directory, created atomically by `mkdir`). A lock left by a
 * dead process is recovered once stale. Waiting is bounded.
 *
 * @param path - The file to lock; it need not exist.
 * @param section - The work to do under the lock.
 * @param options - See {@link FileLockOptions}.
 * @returns What `section` returns.
 * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT` when the wait runs out.
 */
export async function withFileLock<T>(
  path: string,
  section: (lock: HeldLock) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const stale = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const deadline = Date.now() + waitMs;
  // Loaded on first use: reading a token needs no lock, and CLI start-up time matters.
  const { default: lockfile } = await import('proper-lockfile');
  let held = true;
  let release: (() => Promise<void>) | undefined;
  let pause = 5;
  const started = Date.now();
  let contended = false;
  while (release === undefined) {
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        stale,
        onCompromised: () => {
          held = false;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      contended = true;
      if (Date.now() >= deadline) {
        throw new AuthenticationError(
          AuthErrorCode.STORAGE_LOCK_TIMEOUT,
          `Another process has held the lock on ${path} for over ${Math.round(waitMs / 1000)} s.`,
          {
            fix: `wait and retry; if no claude-auth process is running, remove ${path}.lock`,
            cause: error,
          },
        );
      }
      // Jittered backoff, so contending processes do not retry in lockstep.
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 100);
    }
  }
  // A live holder refreshes its lock every stale/2, so only a dead one's lock lasts past `stale`.
  if (contended && Date.now() - started >= stale) options.onTakeover?.();
  try {
    return await section({ isHeld: () => held });
  } finally {
    if (held) await release().catch(() => undefined);
  }
}
