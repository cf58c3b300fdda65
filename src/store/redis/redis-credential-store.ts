import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { isProfileName, sortProfiles } from '../../profile/profile-paths.js';
import type { AuthToken } from '../../token/auth-token.js';
import { parseTokenFile, serializeTokenFile } from '../../token/token-file-format.js';
import type {
  CredentialStore,
  CredentialTransaction,
  ProfileListingOptions,
  StoreDescription,
  StoredCredential,
  TransactionOptions,
  WriteOutcome,
} from '../credential-store.js';
import { RecordCipher, type StoreKeyEnv } from './record-cipher.js';
import { isWrongType, RedisConnection } from './redis-connection.js';
import { acquireLease } from './redis-lease.js';
import { COMPARE_AND_SWAP, DELETE_STRAY_KEY } from './redis-scripts.js';
import {
  parseRedisStoreUrl,
  type RedisStoreConfig,
  type RedisStoreEnv,
} from './redis-store-config.js';

/**
 * The lease when the caller names none: longer than a refresh request's own
 * timeout (30 s in the OAuth client), so a holder that sends one still holds
 * the lease when the answer is due.
 */
export const DEFAULT_REDIS_LEASE_MS = 45_000;
/** How long a transaction waits for another holder's lease by default. */
export const DEFAULT_REDIS_LEASE_WAIT_MS = 60_000;

/** Options for {@link RedisCredentialStore}. */
export interface RedisCredentialStoreOptions {
  /** `redis://…` or `rediss://…`; see {@link parseRedisStoreUrl}. */
  url: string;
  /** The profile; its record is `<prefix>profile:<name>`. Default `default`. */
  profile?: string;
  /** Where the store key, password file and prefix are read (default `process.env`). */
  env?: StoreKeyEnv & RedisStoreEnv;
  /** What named this store, for `status`: `chosen by <chosenBy>=redis://…` (default `CLAUDE_AUTH_STORE`). */
  chosenBy?: string;
  /** The record cipher (default: from the environment's store key). */
  cipher?: RecordCipher;
  /** The lease of a transaction that names none, in ms; default `?leaseMs=`, else {@link DEFAULT_REDIS_LEASE_MS}. */
  leaseMs?: number;
}

/** The names of one profile's keys; every one starts with the prefix (what the ACL grants). */
export function redisKeys(prefix: string, profile: string) {
  return {
    record: `${prefix}profile:${profile}`,
    lease: `${prefix}lease:${profile}`,
    channel: `${prefix}events:${profile}`,
    corruptCopy: (stamp: string) => `${prefix}corrupt:${profile}:${stamp}`,
  };
}

/**
 * The revision a transaction sees where a key of another type holds the
 * record's place: not a version any record can have, so only
 * {@link RedisCredentialStore}'s own stray-key write matches it.
 */
const STRAY_KEY_REVISION = '\0another type';

interface RawRecord {
  readonly seq: string;
  readonly rev: string | null;
  readonly keyId: string | null;
  readonly sealed: string | null;
}

/**
 * A credential in Redis or Valkey, shared by every machine that names the same
 * address, prefix and profile (DESIGN.md §6a). Every write is a Lua
 * compare-and-swap on the record's version, the fencing token; a refresh runs
 * under a `SET NX PX` lease whose TTL outlasts the request; the record is
 * sealed with AES-256-GCM on the client, because a shared Redis is readable by
 * its operators.
 *
 * A late write from a holder whose lease expired lands only if nobody wrote
 * since it read: the version decides, not the lease. That never loses more
 * than refusing it would (a rotated refresh token refused is a refresh token
 * lost), and a newer version is never overwritten.
 */
export class RedisCredentialStore implements CredentialStore {
  readonly profile: string | undefined;
  readonly #config: RedisStoreConfig;
  readonly #connection: RedisConnection;
  readonly #cipher: RecordCipher;
  readonly #keys: ReturnType<typeof redisKeys>;
  readonly #reason: string;
  readonly #leaseMs: number;

  /**
   * Creates the store; nothing is connected until the first read or transaction.
   *
   * @param options - See {@link RedisCredentialStoreOptions}.
   * @throws {@link AuthenticationError} `CONFIG_INVALID` for a malformed address or a missing store key.
   */
  constructor(options: RedisCredentialStoreOptions) {
    const env = options.env ?? process.env;
    this.#config = parseRedisStoreUrl(options.url, env);
    this.#cipher = options.cipher ?? RecordCipher.fromEnv(env);
    this.profile = options.profile;
    this.#keys = redisKeys(this.#config.prefix, options.profile ?? 'default');
    this.#connection = new RedisConnection(this.#config);
    this.#reason = `chosen by ${options.chosenBy ?? 'CLAUDE_AUTH_STORE'}=${this.#config.address}`;
    this.#leaseMs = options.leaseMs ?? this.#config.leaseMs ?? DEFAULT_REDIS_LEASE_MS;
  }

  /** The record's address: where it is, never the password. */
  describe(): StoreDescription {
    return {
      backend: 'redis',
      location: `${this.#config.address} key ${this.#keys.record}`,
      reason: this.#reason,
    };
  }

  async identity(): Promise<string> {
    return `${this.#config.address}#${this.#keys.record}`;
  }

  async read(): Promise<StoredCredential | null> {
    return this.#open(await this.#readRaw());
  }

  async transact<T>(
    section: (tx: CredentialTransaction) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const lease = await acquireLease(this.#connection, {
      leaseKey: this.#keys.lease,
      channel: this.#keys.channel,
      ttlMs: options.leaseMs ?? this.#leaseMs,
      waitMs: options.waitMs ?? DEFAULT_REDIS_LEASE_WAIT_MS,
      where: this.describe().location,
      onTakeover: options.onTakeover,
    });
    try {
      return await section({
        read: () => this.read(),
        currentRevision: () => this.#currentRevision(),
        write: (next, expected) => this.#compareAndSwap(next, expected),
        leaseRemainingMs: () => lease.remainingMs(),
      });
    } finally {
      await lease.release();
    }
  }

  /**
   * The profiles with a credential under this store's prefix (by `SCAN`, never
   * `KEYS`; a logged-out profile keeps only its version counter and is left
   * out; a record sealed with another key is listed). A key of another type
   * under the prefix is not a record: it is skipped and reported, since one
   * stray key of another tool must not hide every profile.
   *
   * @param options - Where skipped keys are reported.
   * @throws {@link AuthenticationError} `STORE_UNAVAILABLE`.
   */
  async profiles(options: ProfileListingOptions = {}): Promise<string[]> {
    const namePrefix = `${this.#config.prefix}profile:`;
    return this.#connection.run(async (client) => {
      const names: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${namePrefix}*`, 'COUNT', 200);
        cursor = next;
        // Only profiles: a profile's other credentials (MCP logins, `mcp.<profile>.<key>`) live here too.
        for (const key of keys) {
          if (!isProfileName(key.slice(namePrefix.length))) continue;
          const type = await client.type(key);
          if (type !== 'hash') options.onSkipped?.(key, `a ${type}, not a claude-auth record`);
          else if ((await client.hexists(key, 'rev')) === 1)
            names.push(key.slice(namePrefix.length));
        }
      } while (cursor !== '0');
      return sortProfiles(names);
    });
  }

  /** Closes the connection; a later call opens a new one. */
  close(): void {
    this.#connection.close();
  }

  async #readRaw(): Promise<RawRecord> {
    const [seq, rev, keyId, sealed] = await this.#connection.run((client) =>
      client.hmget(this.#keys.record, 'seq', 'rev', 'kid', 'ct'),
    );
    return { seq: seq ?? '0', rev: rev ?? null, keyId: keyId ?? null, sealed: sealed ?? null };
  }

  #open(raw: RawRecord): StoredCredential | null {
    if (raw.rev === null) return null;
    const where = this.describe().location;
    if (raw.keyId === null || raw.sealed === null)
      throw new AuthenticationError(
        AuthErrorCode.STORAGE_CORRUPT,
        `The credential at ${where} is incomplete. It has been left untouched.`,
        { fix: 'run `claude-auth login` to replace it (the unreadable record is kept aside)' },
      );
    const text = this.#cipher.open(
      { keyId: raw.keyId, sealed: raw.sealed },
      this.#sealContext(raw.rev),
      where,
    );
    return { token: parseTokenFile(text, where), revision: raw.rev };
  }

  /** What the seal binds: the record's key name and version, so a record moved or replayed fails. */
  #sealContext(version: string): string {
    return `${this.#keys.record}\0${version}`;
  }

  async #currentRevision(): Promise<string | null> {
    try {
      return (await this.#readRaw()).rev;
    } catch (error) {
      if (isWrongType(error)) return STRAY_KEY_REVISION;
      throw error;
    }
  }

  /**
   * A write over a key of another type: a logout (`logout --force`, past the
   * unreadable record) deletes it, as README promises; a login never replaces
   * another tool's key and fails with the read's error (`STORAGE_CORRUPT`).
   */
  async #replaceStrayKey(next: AuthToken | null): Promise<WriteOutcome> {
    if (next !== null) {
      await this.#readRaw();
      return { written: false };
    }
    const deleted = await this.#connection.evalScript(DELETE_STRAY_KEY, [this.#keys.record], []);
    return deleted === 1 ? { written: true, revision: null } : { written: false };
  }

  async #compareAndSwap(next: AuthToken | null, expected: string | null): Promise<WriteOutcome> {
    if (expected === STRAY_KEY_REVISION) return this.#replaceStrayKey(next);
    const raw = await this.#readRaw();
    if (raw.rev !== expected) return { written: false };
    if (next !== null && raw.rev !== null) await this.#keepUnreadableAside(raw);
    const version = String(Number(raw.seq) + 1);
    const sealed =
      next === null
        ? { keyId: '', sealed: '' }
        : this.#cipher.seal(serializeTokenFile(next), this.#sealContext(version));
    const [written, revision] = (await this.#connection.evalScript(
      COMPARE_AND_SWAP,
      [this.#keys.record],
      [
        expected ?? '',
        raw.seq,
        next === null ? 'del' : 'set',
        sealed.keyId,
        sealed.sealed,
        this.#keys.channel,
      ],
    )) as [number, string];
    if (written !== 1) return { written: false };
    return { written: true, revision: next === null ? null : revision };
  }

  /**
   * Before a record that cannot be opened is replaced, a copy goes beside it
   * (`<prefix>corrupt:<profile>:<time>`), as the file store keeps `.corrupt-<time>`.
   * A record sealed with a key we lack is not replaced at all: another machine
   * of the fleet can still read it, and a login here would lock it out.
   */
  async #keepUnreadableAside(raw: RawRecord): Promise<void> {
    try {
      this.#open(raw);
    } catch (error) {
      if (error instanceof AuthenticationError && error.code === AuthErrorCode.STORE_KEY_MISMATCH)
        throw error;
      const unreadable =
        error instanceof AuthenticationError &&
        (error.code === AuthErrorCode.STORAGE_CORRUPT ||
          error.code === AuthErrorCode.STORAGE_VERSION_UNSUPPORTED);
      if (!unreadable) throw error;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await this.#connection.run((client) =>
        client.copy(this.#keys.record, this.#keys.corruptCopy(stamp)),
      );
    }
  }
}
