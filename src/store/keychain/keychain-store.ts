import { join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import {
  DEFAULT_PROFILE,
  defaultStorageDirectory,
  isProfileName,
  type ProfileOptions,
  resolveProfile,
  sortProfiles,
} from '../../profile/profile-paths.js';
import type { AuthToken } from '../../token/auth-token.js';
import { parseTokenFile, serializeTokenFile } from '../../token/token-file-format.js';
import type {
  CredentialStore,
  CredentialTransaction,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from '../credential-store.js';
import { type FileLockOptions, type HeldLock, withFileLock } from '../file/file-lock.js';
import { type KeychainAccess, KeychainCallError, sharedKeychainAccess } from './keychain-access.js';
import {
  asciiJson,
  entriesFor,
  joinRecord,
  type KeychainHead,
  parseHead,
  partAccount,
  splitRecord,
} from './keychain-record.js';
import { assertKeychainUsable, PROBE_ACCOUNT } from './keychain-selection.js';
import { VersionMarker } from './version-marker.js';

// node:crypto is taken at first use (process.getBuiltinModule), not imported: the
// file store's `token` and `status` load this module but need no crypto (issue 23).

/** The keychain service claude-auth files its credentials under. */
export const KEYCHAIN_SERVICE = 'claude-auth';

/**
 * How long one store operation (a read, a write) may wait for the keychain
 * before failing with `STORE_UNAVAILABLE`, in ms. A locked keychain that shows
 * an unlock prompt, or a frozen daemon, ends here rather than hanging.
 */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3000;

/** How often a read retries when a concurrent write replaced the record mid-read. */
const TORN_READ_RETRIES = 3;

/** Options of {@link KeychainCredentialStore}. */
export interface KeychainStoreOptions extends ProfileOptions {
  /** Why the keychain was chosen, shown by `status`. */
  reason: string;
  /** The keychain to use; default the OS keychain through a worker thread. */
  access?: KeychainAccess;
  /** Bound of each operation, in ms; default {@link DEFAULT_KEYCHAIN_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Staleness bound of the lock file (see `withFileLock`). */
  lockStaleMs?: number;
}

/** Options of {@link openKeychainStore}. */
export interface OpenKeychainStoreOptions extends Omit<KeychainStoreOptions, 'reason'> {
  /** Where the keychain was chosen (`CLAUDE_AUTH_STORE`, `--store`), for the reason. */
  source: string;
  /** The platform; default `process.platform`. */
  platform?: NodeJS.Platform;
}

/**
 * Opens the keychain store the user chose explicitly. Nothing is probed (the
 * first operation fails, within its bound, with the fix); only a keychain that
 * cannot be reached at all is refused here.
 *
 * @param options - See {@link OpenKeychainStoreOptions}.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` without `@napi-rs/keyring`;
 *   `STORE_UNAVAILABLE` on Linux without a D-Bus session (the library would fall
 *   back to the kernel keyring, lost at reboot).
 */
export function openKeychainStore(options: OpenKeychainStoreOptions): KeychainCredentialStore {
  assertKeychainUsable(
    options.source,
    options.env ?? process.env,
    options.platform ?? process.platform,
  );
  return new KeychainCredentialStore({
    ...options,
    reason: `chosen by ${options.source}=keychain`,
  });
}

/**
 * The keychain account of a profile of a storage directory: its name for the
 * default directory, else `name@directory` (profiles of another directory are
 * other credentials). The directory is taken as {@link resolveProfile} gives it.
 *
 * @param profile - The profile name.
 * @param directory - The storage directory, resolved.
 */
export function keychainAccount(profile: string, directory: string): string {
  return directory === defaultStorageDirectory() ? profile : `${profile}@${directory}`;
}

/**
 * The profile a keychain account is the credential of, for the storage
 * directory given; `undefined` for an account of another directory, a part of
 * a record, a copy kept aside or the `auto` probe's entry.
 *
 * @param account - An account of the claude-auth service.
 * @param directory - The storage directory, resolved.
 */
export function profileOfAccount(account: string, directory: string): string | undefined {
  const suffix = directory === defaultStorageDirectory() ? '' : `@${directory}`;
  if (!account.endsWith(suffix)) return undefined;
  const name = account.slice(0, account.length - suffix.length);
  return isProfileName(name) && name !== PROBE_ACCOUNT ? name : undefined;
}

/** The fix shown with every keychain failure: unlock it, or choose the file store. */
export const KEYCHAIN_FIX =
  'unlock the keychain (log in to the desktop session, or run `gnome-keyring-daemon --unlock` on Linux) and retry, or keep credentials in a file instead: CLAUDE_AUTH_STORE=file (or --store file)';

/**
 * The `STORE_UNAVAILABLE` error for a keychain call that failed or ran out of time.
 *
 * @param location - The keychain entry, as {@link StoreDescription.location} names it.
 * @param cause - What the call failed with.
 */
export function keychainUnavailable(location: string, cause: unknown): AuthenticationError {
  const reason =
    cause instanceof KeychainCallError
      ? cause.message
      : cause instanceof Error
        ? cause.message
        : String(cause);
  return new AuthenticationError(
    AuthErrorCode.STORE_UNAVAILABLE,
    `The OS keychain holding ${location} is not usable: ${reason}. Nothing was written elsewhere.`,
    { fix: KEYCHAIN_FIX, cause },
  );
}

/**
 * A credential in the OS keychain (macOS Keychain, Secret Service, Windows
 * Credential Manager). Keychains have no compare-and-swap, so the one-writer
 * transaction holds a lock file in the profile directory and compares
 * revisions read under it; a version marker beside the lock keeps revisions
 * unique (see {@link VersionMarker}). Neither file holds a secret. A record
 * larger than one entry is split over several (Windows caps an entry at
 * 2,560 bytes), named by revision so a reader sees one whole record.
 */
export class KeychainCredentialStore implements CredentialStore {
  readonly profile: string;
  readonly #access: KeychainAccess;
  readonly #account: string;
  readonly #directory: string;
  readonly #reason: string;
  readonly #timeoutMs: number;
  readonly #lockPath: string;
  readonly #marker: VersionMarker;
  readonly #lockStaleMs: number | undefined;

  /**
   * @param options - Profile, directory, reason and bounds; see {@link KeychainStoreOptions}.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` for an invalid profile name.
   */
  constructor(options: KeychainStoreOptions) {
    const location = resolveProfile(options);
    this.profile = location.profile;
    this.#access = options.access ?? sharedKeychainAccess(KEYCHAIN_SERVICE);
    this.#account = keychainAccount(location.profile, location.directory);
    this.#directory = location.directory;
    this.#reason = options.reason;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    this.#lockStaleMs = options.lockStaleMs;
    const stem = location.profile === DEFAULT_PROFILE ? 'tokens' : location.profile;
    this.#lockPath = join(location.directory, `${stem}.keychain`);
    this.#marker = new VersionMarker(join(location.directory, `${stem}.keychain-version`));
  }

  /** The keychain account name of this credential. */
  get account(): string {
    return this.#account;
  }

  describe(): StoreDescription {
    return {
      backend: 'keychain',
      location: `keychain:${this.#access.service}/${this.#account}`,
      reason: this.#reason,
    };
  }

  async identity(): Promise<string> {
    return this.describe().location;
  }

  /** The profiles of this storage directory with an entry in the keychain, readable or not. */
  async profiles(): Promise<string[]> {
    const accounts = await this.#bounded((deadline) => this.#access.accounts(deadline.left()));
    const names = new Set<string>();
    for (const account of accounts) {
      const name = profileOfAccount(account, this.#directory);
      if (name !== undefined) names.add(name);
    }
    return sortProfiles(names);
  }

  async read(): Promise<StoredCredential | null> {
    return this.#bounded(async (deadline) => {
      for (let attempt = 0; ; attempt += 1) {
        const value = await this.#access.get(this.#account, deadline.left());
        if (value === null) return null;
        const head = parseHead(value);
        if (head === undefined) throw this.#corrupt('its first entry is not a claude-auth record');
        const record = await this.#readRecord(head, deadline);
        if (record !== undefined) {
          return {
            token: parseTokenFile(record, this.describe().location),
            revision: head.revision,
          };
        }
        // A writer replaced the record between our reads: the head moved on; read again.
        const again = await this.#access.get(this.#account, deadline.left());
        if (again === value || attempt >= TORN_READ_RETRIES) {
          throw this.#corrupt('its parts are missing or do not match');
        }
      }
    });
  }

  async transact<T>(
    section: (tx: CredentialTransaction) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const staleMs = options.leaseMs ?? this.#lockStaleMs;
    const lockOptions: FileLockOptions = {
      ...(options.waitMs !== undefined && { waitMs: options.waitMs }),
      ...(staleMs !== undefined && { staleMs }),
      ...(options.onTakeover !== undefined && { onTakeover: options.onTakeover }),
    };
    return withFileLock(
      this.#lockPath,
      (lock) =>
        section({
          read: () => this.read(),
          currentRevision: () =>
            this.#bounded(async (deadline) => (await this.#head(deadline)).revision),
          write: (next, expected) =>
            this.#bounded((deadline) => this.#write(lock, next, expected, deadline)),
          leaseRemainingMs: () => lock.remainingMs(),
        }),
      lockOptions,
    );
  }

  async #write(
    lock: HeldLock,
    next: AuthToken | null,
    expected: string | null,
    deadline: Deadline,
  ): Promise<WriteOutcome> {
    const current = await this.#head(deadline);
    if (current.revision !== expected || !(await lock.confirm())) return { written: false };
    await this.#removeAbandonedWrite(current.revision, deadline);
    // Never destroy an unreadable record silently: keep its head aside (its parts stay
    // where they are), as the file store keeps a .corrupt-<time> copy.
    const unreadable = current.value !== null && !(await this.#readable(current.head, deadline));
    if (unreadable && next !== null && current.value !== null) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await this.#access.set(`${this.#account}.corrupt-${stamp}`, current.value, deadline.left());
    }
    const oldParts = unreadable ? undefined : current.head;
    if (next === null) {
      if (!(await lock.confirm())) return { written: false };
      if (current.value !== null) await this.#access.delete(this.#account, deadline.left());
      if (oldParts !== undefined) await this.#deleteParts(oldParts, deadline);
      return { written: true, revision: null };
    }
    const record = asciiJson(serializeTokenFile(next));
    const revision = await this.#marker.begin(entriesFor(record));
    const { head, parts } = splitRecord(record, revision);
    for (const [index, part] of parts.entries()) {
      await this.#access.set(
        partAccount(this.#account, revision, index + 1),
        part,
        deadline.left(),
      );
    }
    // The fence, as late as a keychain allows: a holder that stalled past its lease stops here.
    if (!(await lock.confirm())) return { written: false };
    // The head's write is the commit point: before it readers see the old record, after it the new.
    await this.#access.set(this.#account, head, deadline.left());
    await this.#marker.settle();
    if (oldParts !== undefined) await this.#deleteParts(oldParts, deadline);
    return { written: true, revision };
  }

  /** Deletes the parts a killed writer left behind (its head was never written). */
  async #removeAbandonedWrite(current: string | null, deadline: Deadline): Promise<void> {
    const pending = await this.#marker.pending();
    if (pending === undefined || pending.revision === current) return;
    for (let index = 1; index < pending.entries; index += 1) {
      await this.#access.delete(
        partAccount(this.#account, pending.revision, index),
        deadline.left(),
      );
    }
    await this.#marker.settle();
  }

  async #deleteParts(head: KeychainHead, deadline: Deadline): Promise<void> {
    for (let index = 1; index < head.entries; index += 1) {
      await this.#access.delete(partAccount(this.#account, head.revision, index), deadline.left());
    }
  }

  /** The head entry as stored now, and its revision (readable or not). */
  async #head(
    deadline: Deadline,
  ): Promise<{ value: string | null; head: KeychainHead | undefined; revision: string | null }> {
    const value = await this.#access.get(this.#account, deadline.left());
    if (value === null) return { value, head: undefined, revision: null };
    const head = parseHead(value);
    const revision =
      head?.revision ??
      `unreadable-${process.getBuiltinModule('node:crypto').createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
    return { value, head, revision };
  }

  /** Whether the record a head starts reads as a credential. */
  async #readable(head: KeychainHead | undefined, deadline: Deadline): Promise<boolean> {
    if (head === undefined) return false;
    const record = await this.#readRecord(head, deadline);
    if (record === undefined) return false;
    try {
      parseTokenFile(record, this.describe().location);
      return true;
    } catch {
      return false;
    }
  }

  async #readRecord(head: KeychainHead, deadline: Deadline): Promise<string | undefined> {
    const parts: (string | null)[] = [];
    for (let index = 1; index < head.entries; index += 1) {
      parts.push(
        await this.#access.get(partAccount(this.#account, head.revision, index), deadline.left()),
      );
    }
    return joinRecord(head, parts);
  }

  /** Runs one store operation within the time bound, turning keychain failures into `STORE_UNAVAILABLE`. */
  async #bounded<T>(operation: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = new Deadline(this.#timeoutMs);
    try {
      return await operation(deadline);
    } catch (error) {
      if (error instanceof KeychainCallError)
        throw keychainUnavailable(this.describe().location, error);
      throw error;
    }
  }

  #corrupt(problem: string): AuthenticationError {
    const location = this.describe().location;
    return new AuthenticationError(
      AuthErrorCode.STORAGE_CORRUPT,
      `The keychain entry ${location} is unreadable (${problem}). It has been left untouched.`,
      {
        fix: 'run `claude-auth login` again (the unreadable entry is kept aside as <account>.corrupt-<time>)',
      },
    );
  }
}

/** The time left of one operation's bound. */
class Deadline {
  readonly #end: number;
  constructor(ms: number) {
    this.#end = Date.now() + ms;
  }
  /** Milliseconds left; at most 0 once past. */
  left(): number {
    return this.#end - Date.now();
  }
}
