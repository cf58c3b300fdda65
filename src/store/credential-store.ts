import type { AuthToken } from '../token/auth-token.js';

/**
 * The backends a credential can live in (DESIGN.md §6a):
 * - `file`: a private file per profile, a lock file beside it (the default);
 * - `redis`: a shared Redis/Valkey for fleets of machines, encrypted on the client;
 * - `keychain`: the OS keychain (macOS Keychain, Secret Service, Windows Credential Manager).
 */
export type StoreBackend = 'file' | 'redis' | 'keychain';

/** Where a store keeps its credential, as `claude-auth status` shows it. Never holds a secret. */
export interface StoreDescription {
  readonly backend: StoreBackend;
  /** A path, `redis://host:port/db` with the key (no password), or `keychain:<service>/<account>`. */
  readonly location: string;
  /** Why this backend was chosen (`CLAUDE_AUTH_STORE=…`, `--store`, the `auto` probe's verdict, the default). */
  readonly reason: string;
}

/**
 * A stored credential and its revision. The revision is the fencing token of
 * every write (DESIGN.md §6a): a write names the revision it read and lands
 * only if the store still holds exactly that one. Opaque; backends choose its
 * form, but a revision is never reused for different content of the same
 * credential (a logout followed by a new login does not bring an old one back).
 */
export interface StoredCredential {
  readonly token: AuthToken;
  readonly revision: string;
}

/** The result of a compare-and-swap write. */
export type WriteOutcome =
  | {
      readonly written: true;
      /** The new revision; `null` after a delete. */
      readonly revision: string | null;
    }
  | { readonly written: false };

/** Bounds of one transaction. */
export interface TransactionOptions {
  /** How long to wait for another holder's lease before `STORAGE_LOCK_TIMEOUT`, in ms. */
  waitMs?: number;
  /**
   * How long the lease must stay ours for the work inside (a refresh request's
   * own timeout, plus margin). Backends with an expiring lease renew it or size
   * it from this; a holder must check {@link CredentialTransaction.leaseRemainingMs}
   * before starting a network call.
   */
  leaseMs?: number;
  /** Told when the lease was obtained only by taking over a dead holder's. */
  onTakeover?: () => void;
}

/** Options for {@link CredentialStore.profiles}. */
export interface ProfileListingOptions {
  /**
   * Called for each entry that is not one of the store's records, with the
   * entry's name (never a secret) and why it was skipped.
   */
  onSkipped?: (entry: string, why: string) => void;
}

/** What a transaction may do while its lease is held. */
export interface CredentialTransaction {
  /**
   * The credential as stored now. Throws what {@link CredentialStore.read} throws
   * (`STORAGE_CORRUPT`, …).
   */
  read(): Promise<StoredCredential | null>;
  /**
   * The revision stored now, readable or not (`null` when nothing is stored):
   * what a login that replaces an unreadable record compares against.
   */
  currentRevision(): Promise<string | null>;
  /**
   * Compare-and-swap: stores `next` (or deletes, with `null`) only if the store
   * still holds revision `expected` (`null`: nothing stored). A record that
   * could not be read is kept aside first (the file store's `.corrupt-<time>`
   * copy), never destroyed silently.
   *
   * @returns `{ written: false }` when another writer got there first.
   */
  write(next: AuthToken | null, expected: string | null): Promise<WriteOutcome>;
  /** Milliseconds of lease left (`Infinity` for a lock that cannot expire while its holder lives). */
  leaseRemainingMs(): number;
}

/**
 * One credential's storage, whatever the backend: a versioned read, and every
 * change as one transaction (lease, re-read, decide, compare-and-swap write,
 * release). Login, logout, refresh and the re-login mark all write through
 * {@link CredentialStore.transact}; nothing else writes. Every backend passes
 * the conformance suite in `test/conformance/`.
 */
export interface CredentialStore {
  /** The profile the credential belongs to, when the store was made for one. */
  readonly profile: string | undefined;
  /** Where the credential lives and why that backend was chosen. */
  describe(): StoreDescription;
  /**
   * A key naming the stored credential itself (the file store's resolved path),
   * so two stores of one credential share one in-process refresh.
   */
  identity(): Promise<string>;
  /**
   * The profiles holding a credential in the same place as this one (the file
   * store's directory, the Redis prefix, the keychain service and storage
   * directory), sorted, `default` first (DESIGN.md §6c: nothing finds profiles
   * by listing files). A record that cannot be read is listed too: `logout
   * --all` must reach it. A logged-out profile is not.
   *
   * An entry in that place which is not one of the store's records (a key of
   * another type under the Redis prefix) is skipped and told to
   * {@link ProfileListingOptions.onSkipped}: a stray key must not stop the listing.
   *
   * @param options - Where skipped entries are reported.
   * @throws {@link AuthenticationError} `STORE_UNAVAILABLE`, `STORAGE_IO`.
   */
  profiles(options?: ProfileListingOptions): Promise<string[]>;
  /**
   * Reads the credential without a lease.
   *
   * @throws {@link AuthenticationError} `STORAGE_CORRUPT`, `STORAGE_INSECURE`,
   *   `STORAGE_IO`, `STORE_UNAVAILABLE`, … The record is never changed by a read.
   */
  read(): Promise<StoredCredential | null>;
  /**
   * Runs `section` holding this credential's lease (one holder at a time across
   * processes and, for shared backends, machines), then releases it.
   *
   * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT` when the wait runs out.
   */
  transact<T>(
    section: (tx: CredentialTransaction) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
}
