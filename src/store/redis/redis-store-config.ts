import { readFileSync } from 'node:fs';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';

/** The key prefix when neither `?prefix=` nor `CLAUDE_AUTH_REDIS_PREFIX` names one. */
export const DEFAULT_REDIS_PREFIX = 'claude-auth:';
/** Bound on establishing a connection (TCP, TLS, AUTH, SELECT), in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/** Bound on one command's round trip, in ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;

/** Where a Redis (or Valkey) store lives and how to reach it. Holds the password: never print it. */
export interface RedisStoreConfig {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** Every key and channel of the store starts with it (what an ACL `~prefix*` grants). */
  readonly prefix: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** The lease TTL from `?leaseMs=`, when given (it must outlast the refresh request's timeout). */
  readonly leaseMs: number | undefined;
  /** `redis://user@host:port/db`: the address without the password, for messages and `status`. */
  readonly address: string;
}

/** The environment variables a Redis store reads beside its URL. */
export interface RedisStoreEnv {
  /** A file holding the ACL user's password (a URL without one). */
  readonly CLAUDE_AUTH_REDIS_PASSWORD_FILE?: string | undefined;
  /** The key prefix (a URL without `?prefix=`). */
  readonly CLAUDE_AUTH_REDIS_PREFIX?: string | undefined;
}

function invalid(reason: string, fix: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The Redis store address is invalid: ${reason}.`,
    { fix },
  );
}

/** The port of a `scheme://[userinfo@]host:port` text, found without parsing it as a URL. */
const PORT_OF_URL =
  /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/i;

function portOutOfRange(port: string): string {
  return `the port ${port.slice(0, 20)} is out of range (1 to 65535)`;
}

const URL_FORM = 'use redis://[user[:password]@]host[:port][/db][?prefix=claude-auth:]';

function milliseconds(value: string | null, name: string, fallback: number): number {
  if (value === null) return fallback;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 600_000)
    throw invalid(`${name} must be a number of milliseconds (1 to 600000)`, URL_FORM);
  return ms;
}

function validPrefix(prefix: string): string {
  // Whitespace and glob characters would make the ACL pattern `~prefix*` mean something else.
  if (prefix === '' || prefix.length > 100 || /[\s*?[\]\\]/.test(prefix))
    throw invalid(
      'the key prefix must be 1 to 100 characters without spaces or * ? [ ] \\',
      'set ?prefix=claude-auth: (or CLAUDE_AUTH_REDIS_PREFIX)',
    );
  return prefix;
}

function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `CLAUDE_AUTH_REDIS_PASSWORD_FILE (${path}) could not be read.`,
      { fix: 'point it at a readable file holding only the password', cause: error },
    );
  }
}

/**
 * Parses a Redis store address: `redis://` or `rediss://` (TLS), the ACL user
 * and password in the URL or the password from `CLAUDE_AUTH_REDIS_PASSWORD_FILE`,
 * the database as the path, and `?prefix=`, `?connectTimeout=`, `?commandTimeout=`,
 * `?leaseMs=` (ms) as query parameters.
 *
 * @param url - The value of `CLAUDE_AUTH_STORE` or `--store`.
 * @param env - Where the password file and prefix variables are read.
 * @returns The configuration, the password included.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`, whose message never holds the password.
 */
export function parseRedisStoreUrl(url: string, env: RedisStoreEnv = {}): RedisStoreConfig {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // WHATWG URL refuses a port past 65535 as a whole: say which part is wrong.
    const port = PORT_OF_URL.exec(url.trim())?.[1];
    throw invalid(port === undefined ? 'it is not a URL' : portOutOfRange(port), URL_FORM);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:')
    throw invalid('the scheme must be redis:// or rediss://', URL_FORM);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw invalid('it names no host', URL_FORM);
  if (parsed.port === '0') throw invalid(portOutOfRange('0'), URL_FORM);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText))
    throw invalid('the path must be a database number such as /0', URL_FORM);
  const db = dbText === '' ? 0 : Number(dbText);
  const known = new Set(['prefix', 'connectTimeout', 'commandTimeout', 'leaseMs']);
  for (const name of parsed.searchParams.keys())
    if (!known.has(name))
      throw invalid(`the parameter "${name.slice(0, 40)}" is not known`, URL_FORM);
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const passwordFile = env.CLAUDE_AUTH_REDIS_PASSWORD_FILE;
  const password =
    parsed.password !== ''
      ? decodeURIComponent(parsed.password)
      : passwordFile !== undefined && passwordFile !== ''
        ? readPasswordFile(passwordFile)
        : undefined;
  const tls = scheme === 'rediss:';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    tls,
    host,
    port,
    db,
    username,
    password,
    prefix: validPrefix(
      parsed.searchParams.get('prefix') ?? env.CLAUDE_AUTH_REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX,
    ),
    connectTimeoutMs: milliseconds(
      parsed.searchParams.get('connectTimeout'),
      'connectTimeout',
      DEFAULT_CONNECT_TIMEOUT_MS,
    ),
    commandTimeoutMs: milliseconds(
      parsed.searchParams.get('commandTimeout'),
      'commandTimeout',
      DEFAULT_COMMAND_TIMEOUT_MS,
    ),
    leaseMs:
      parsed.searchParams.get('leaseMs') === null
        ? undefined
        : milliseconds(parsed.searchParams.get('leaseMs'), 'leaseMs', 0),
    address: `${tls ? 'rediss' : 'redis'}://${username === undefined ? '' : `${encodeURIComponent(username)}@`}${shownHost}:${port}/${db}`,
  };
}

/**
 * The TLS options of a `rediss://` connection to `host`: its name for SNI and
 * the certificate check, except for an IP literal, which SNI must not carry
 * (RFC 6066 §3) and Node 26 refuses as a `servername`; Node then checks the
 * certificate against the IP address itself.
 *
 * @param host - The store's host, a name or an IP literal (without brackets).
 * @returns The options for `tls.connect`.
 */
export function redisTlsOptions(host: string): { servername?: string } {
  // node:net at first use, not at import: it is not in Node's start-up snapshot, and
  // every file-store command loads this module (issue 23).
  return process.getBuiltinModule('node:net').isIP(host) === 0 ? { servername: host } : {};
}
