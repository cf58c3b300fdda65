import { dirname } from 'node:path';
import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../../errors/authentication-error.js';
import { listProfiles } from '../../profile/profile-paths.js';
import type { AuthToken } from '../../token/auth-token.js';
import { parseTokenRecord, serializeTokenFile } from '../../token/token-file-format.js';
import type {
  CredentialStore,
  CredentialTransaction,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from '../credential-store.js';
import type { FileLockOptions, HeldLock } from './file-lock.js';
import type { FileEnvironment } from './file-system.js';
import {
  copyPrivateFile,
  deletePrivateFile,
  fileFingerprint,
  readPrivateFile,
  readPrivateFileSync,
  resolvedFilePath,
  writePrivateFileAtomic,
} from './secure-file.js';

/** Options for {@link FileCredentialStore}. */
export interface FileCredentialStoreOptions extends FileEnvironment {
  /** The token file. */
  path: string;
  /** The directory of the profiles listed beside it (default: the file's own directory). */
  directory?: string;
  /** The profile it belongs to, when known (shown in messages). */
  profile?: string | undefined;
  /** Why the file backend was chosen, for `status` (default: "the default backend"). */
  reason?: string;
  /** Default wait and lease of the cross-process lock. */
  lock?: FileLockOptions;
}

/** What is stored at the path now, as a write's compare-and-swap sees it. */
interface CurrentRecord {
  readonly revision: string | null;
  /** Stored but unparseable: kept aside as `.corrupt-<time>` before being replaced. */
  readonly keepAside: boolean;
}

/** Thrown inside a write when the compare-and-swap fails at the last moment. */
class WriteFenced extends Error {}

/**
 * FNV-1a over the file's text: the revision changes with the content even when
 * an older claude-auth, which keeps fields it does not know, rewrites the file
 * carrying the previous revision id along. Not a secret, not a MAC: the random
 * id carries uniqueness, this only tells contents apart.
 */
function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function revisionOf(revisionId: string | undefined, text: string): string {
  return `${revisionId ?? 'unversioned'}.${contentHash(text)}`;
}

/**
 * The file backend of {@link CredentialStore} (DESIGN.md §6a): one private JSON
 * file per credential, written atomically (secure-file), with the revision — a
 * random id drawn at each write, so never reused after a logout and a new
 * login — stored in the record. Transactions hold a lease on the file
 * resolved through symlinks (file-lock), so every path to one credential
 * shares one lock; each write confirms the lease against its owner record
 * and compares the revision right before its rename.
 */
export class FileCredentialStore implements CredentialStore {
  /** The token file, as given. */
  readonly path: string;
  readonly profile: string | undefined;
  readonly #reason: string;
  readonly #directory: string;
  readonly #lock: FileLockOptions;
  readonly #environment: FileEnvironment;

  /**
   * Creates the store of one file; nothing is read or written yet.
   *
   * @param options - See {@link FileCredentialStoreOptions}.
   */
  constructor(options: FileCredentialStoreOptions) {
    this.path = options.path;
    this.profile = options.profile;
    this.#reason = options.reason ?? 'the default backend';
    this.#directory = options.directory ?? dirname(options.path);
    this.#lock = options.lock ?? {};
    this.#environment = {
      ...(options.fs !== undefined && { fs: options.fs }),
      ...(options.platform !== undefined && { platform: options.platform }),
    };
  }

  describe(): StoreDescription {
    return { backend: 'file', location: this.path, reason: this.#reason };
  }

  /** The file's real path (its directory's, joined with its name, while it does not exist). */
  identity(): Promise<string> {
    return resolvedFilePath(this.path, this.#environment);
  }

  /** The profiles with a token file in the directory (`tokens.json` is `default`). */
  profiles(): Promise<string[]> {
    return listProfiles(this.#directory);
  }

  async read(): Promise<StoredCredential | null> {
    return this.#stored(await readPrivateFile(this.path, this.#environment));
  }

  /**
   * {@link FileCredentialStore.read} with synchronous calls, the same checks
   * and parsing (`readPrivateFileSync`): for the CLI's answers at start-up,
   * which must not start libuv's thread pool (issue 23). Node's own file
   * system, whatever layer the store was given.
   *
   * @throws As {@link FileCredentialStore.read}.
   */
  readNow(): StoredCredential | null {
    return this.#stored(readPrivateFileSync(this.path, this.#environment.platform));
  }

  #stored(text: string | null): StoredCredential | null {
    if (text === null) return null;
    const record = parseTokenRecord(text, this.path);
    return { token: record.token, revision: revisionOf(record.revisionId, text) };
  }

  async transact<T>(
    section: (tx: CredentialTransaction) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const key = await this.identity();
    // Loaded on first use: reading a token needs no lock, and CLI start-up time matters.
    const { withFileLock } = await import('./file-lock.js');
    const onTakeover = options.onTakeover ?? this.#lock.onTakeover;
    const waitMs = options.waitMs ?? this.#lock.waitMs;
    // The lease renews itself while this process runs; leaseMs sizes how long a stall may last.
    const staleMs = options.leaseMs ?? this.#lock.staleMs;
    return withFileLock(
      key,
      (lock) =>
        section({
          read: () => this.read(),
          currentRevision: async () => (await this.#current()).revision,
          write: (next, expected) => this.#write(lock, next, expected),
          leaseRemainingMs: () => lock.remainingMs(),
        }),
      {
        ...(waitMs !== undefined && { waitMs }),
        ...(staleMs !== undefined && { staleMs }),
        ...(onTakeover !== undefined && { onTakeover }),
      },
      this.#environment,
    );
  }

  async #current(): Promise<CurrentRecord> {
    try {
      const stored = await this.read();
      return { revision: stored?.revision ?? null, keepAside: false };
    } catch (error) {
      const unparseable =
        isAuthenticationError(error, AuthErrorCode.STORAGE_CORRUPT) ||
        isAuthenticationError(error, AuthErrorCode.STORAGE_VERSION_UNSUPPORTED);
      if (!unparseable && !isAuthenticationError(error, AuthErrorCode.STORAGE_INSECURE))
        throw error;
      // Unreadable records are told apart by inode, size and times: every write is a new inode.
      const fingerprint = await fileFingerprint(this.path, this.#environment);
      return {
        revision: fingerprint === null ? null : `unreadable.${fingerprint}`,
        // An insecure file is replaced by a private one, not copied: the rename fixes its mode.
        keepAside: unparseable,
      };
    }
  }

  async #write(
    lock: HeldLock,
    next: AuthToken | null,
    expected: string | null,
  ): Promise<WriteOutcome> {
    const current = await this.#current();
    if (current.revision !== expected || !(await lock.confirm())) return { written: false };
    if (next === null) {
      await deletePrivateFile(this.path, this.#environment);
      return { written: true, revision: null };
    }
    if (current.keepAside) await this.#keepAside();
    const revisionId = globalThis.crypto.randomUUID();
    const text = serializeTokenFile(next, revisionId);
    try {
      await writePrivateFileAtomic(this.path, text, this.#environment, async () => {
        // The fence, as late as a file allows: a holder that stalled past its lease, or
        // a record changed behind the lock, must not land its rename.
        if (!(await lock.confirm()) || (await this.#current()).revision !== expected)
          throw new WriteFenced();
      });
    } catch (error) {
      if (error instanceof WriteFenced) return { written: false };
      throw error;
    }
    return { written: true, revision: revisionOf(revisionId, text) };
  }

  async #keepAside(): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const copy = `${this.path}.corrupt-${stamp}`;
    await copyPrivateFile(this.path, copy, this.#environment).catch((error) => {
      throw new AuthenticationError(
        AuthErrorCode.STORAGE_IO,
        `Could not keep a copy of the unreadable ${this.path} before replacing it.`,
        { cause: error, fix: `move ${this.path} aside yourself, then retry` },
      );
    });
  }
}
