import type { Redis } from 'ioredis';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { importOptionalPackage } from '../optional-package.js';
import { type RedisStoreConfig, redisTlsOptions } from './redis-store-config.js';

/** A subscription to one channel; `close` ends it and its connection. */
export interface RedisSubscription {
  close(): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether Redis refused a command for a key of another type (`WRONGTYPE`), as
 * Redis answered or as {@link RedisConnection.unavailable} reported it.
 *
 * @param error - What a command threw.
 */
export function isWrongType(error: unknown): boolean {
  if (/^WRONGTYPE/.test(errorText(error))) return true;
  return (
    error instanceof Error && error.cause !== undefined && /^WRONGTYPE/.test(errorText(error.cause))
  );
}

/**
 * One lazily opened connection to a Redis store, bounded in time everywhere:
 * connecting within `connectTimeoutMs`, each command within `commandTimeoutMs`,
 * and no offline queue (a command while disconnected fails at once instead of
 * waiting for a server that may never come back). A connection that broke is
 * replaced at the next command: the store reconnects by itself, with no
 * background retry timer to keep a finished process alive. The socket is
 * unreferenced; only pending commands (their timeout timers) hold the process.
 */
export class RedisConnection {
  readonly #config: RedisStoreConfig;
  #client: Redis | undefined;
  #connecting: Promise<Redis> | undefined;
  readonly #scriptShas = new Map<string, string>();

  /** @param config - Where the store is, with its credentials. */
  constructor(config: RedisStoreConfig) {
    this.#config = config;
  }

  /**
   * Runs `work` with a ready client within the command timeout, mapping every
   * failure to a clear error.
   *
   * @throws {@link AuthenticationError} `STORE_UNAVAILABLE` naming the address and the fix.
   */
  async run<T>(work: (client: Redis) => Promise<T>): Promise<T> {
    const client = await this.#ready();
    try {
      return await withTimeout(work(client), this.#config.commandTimeoutMs);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      // After a timeout the reply may still come and be taken for the next command's: start afresh.
      if (!isReplyError(error)) this.#drop(client);
      throw this.unavailable(error);
    }
  }

  /**
   * Runs a Lua script by its SHA, loading it on the server's first `NOSCRIPT`.
   *
   * @param script - The script's source.
   * @param keys - Its KEYS.
   * @param args - Its ARGV.
   */
  evalScript(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.run(async (client) => {
      const sha = this.#scriptShas.get(script) ?? ((await client.script('LOAD', script)) as string);
      this.#scriptShas.set(script, sha);
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!errorText(error).startsWith('NOSCRIPT')) throw error;
        return client.eval(script, keys.length, ...keys, ...args);
      }
    });
  }

  /**
   * Subscribes to `channel` on a connection of its own (a subscribed connection
   * can run nothing else). Resolves to `undefined` when the server refuses the
   * subscription (an ACL without the channel): callers then poll.
   */
  async subscribe(channel: string, onMessage: () => void): Promise<RedisSubscription | undefined> {
    const client = await this.#ready();
    const subscriber = client.duplicate({ lazyConnect: true });
    subscriber.on('error', () => undefined);
    subscriber.on('message', onMessage);
    try {
      // Every await here is under a timer: with the socket unreferenced, an await on it
      // alone would let an otherwise idle process exit mid-transaction.
      await withTimeout(subscriber.connect(), this.#config.connectTimeoutMs);
      subscriber.stream?.unref?.();
      await withTimeout(subscriber.subscribe(channel), this.#config.commandTimeoutMs);
      return { close: () => subscriber.disconnect() };
    } catch {
      subscriber.disconnect();
      return undefined;
    }
  }

  /** Closes the connection (the next command opens a new one). */
  close(): void {
    if (this.#client !== undefined) this.#drop(this.#client);
  }

  /**
   * The error for a store that did not answer or refused: its address (never the
   * password), what went wrong, and the fix. A key of another type where a
   * record belongs (`WRONGTYPE`) is a corrupt record, not a connectivity problem.
   */
  unavailable(error: unknown): AuthenticationError {
    const text = errorText(error);
    const where = `The Redis store at ${this.#config.address}`;
    if (isWrongType(error))
      return new AuthenticationError(
        AuthErrorCode.STORAGE_CORRUPT,
        `${where} holds a key of another type where a credential belongs, under the prefix "${this.#config.prefix}": it is not a claude-auth record, and was left untouched.`,
        {
          fix: `remove or rename that key (redis-cli --scan --pattern '${this.#config.prefix}profile:*' lists them, TYPE tells them apart), or set ?prefix= to one only claude-auth uses`,
          cause: error,
        },
      );
    if (/^NOPERM/.test(text))
      return new AuthenticationError(
        AuthErrorCode.STORE_UNAVAILABLE,
        `${where} refused a key or command under the prefix "${this.#config.prefix}" (${text.slice(0, 160)}).`,
        {
          fix: `grant the user the prefix (ACL SETUSER <user> ~${this.#config.prefix}* &${this.#config.prefix}* +@read +@write +@scripting +@pubsub), or set ?prefix= to one it may use`,
          cause: error,
        },
      );
    if (/^(WRONGPASS|NOAUTH)/.test(text))
      return new AuthenticationError(
        AuthErrorCode.STORE_UNAVAILABLE,
        `${where} refused the login (${text.slice(0, 120)}).`,
        {
          fix: 'check the ACL user and password in CLAUDE_AUTH_STORE or CLAUDE_AUTH_REDIS_PASSWORD_FILE',
          cause: error,
        },
      );
    return new AuthenticationError(
      AuthErrorCode.STORE_UNAVAILABLE,
      `${where} did not answer (${text.slice(0, 160)}).`,
      {
        fix: `check that Redis runs at ${this.#config.address} and this machine can reach it, or point CLAUDE_AUTH_STORE (or --store) at the right address`,
        cause: error,
      },
    );
  }

  async #ready(): Promise<Redis> {
    if (this.#client?.status === 'ready') return this.#client;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<Redis> {
    if (this.#client !== undefined) this.#drop(this.#client);
    // Loaded on first use, an optional peer: a process whose credential lives in a file never needs it.
    const { Redis } = await importOptionalPackage('ioredis', () => import('ioredis'));
    const config = this.#config;
    const client = new Redis({
      host: config.host,
      port: config.port,
      db: config.db,
      ...(config.username !== undefined && { username: config.username }),
      ...(config.password !== undefined && { password: config.password }),
      ...(config.tls && { tls: redisTlsOptions(config.host) }),
      lazyConnect: true,
      // Both bounded by our own timers: ioredis arms one per command and never clears it
      // when the command settles, which would hold a finished CLI open for seconds.
      connectTimeout: 0,
      // Its default waits 2 s for a 'close' that an already-failed socket never emits.
      disconnectTimeout: 0,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      autoResubscribe: false,
    });
    let failure: unknown;
    client.on('error', (error) => {
      // The first error (ECONNREFUSED, WRONGPASS, NOPERM on SELECT) says more than "Connection is closed".
      failure ??= error;
    });
    // With no retries the client ends at the first failure; do not wait out the timeout for it.
    const ended = new Promise<never>((_, reject) =>
      client.once('end', () => reject(new Error('Connection is closed.'))),
    );
    ended.catch(() => undefined);
    try {
      await withTimeout(Promise.race([client.connect(), ended]), config.connectTimeoutMs);
    } catch (error) {
      client.disconnect();
      throw this.unavailable(failure ?? error);
    }
    client.stream?.unref?.();
    this.#client = client;
    return client;
  }

  #drop(client: Redis): void {
    client.disconnect();
    if (this.#client === client) this.#client = undefined;
  }
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
