import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../fixtures/redis-server.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { RecordCipher, type SealedRecord } from '../../../src/store/redis/record-cipher.js';
import {
  RedisCredentialStore,
  redisKeys,
} from '../../../src/store/redis/redis-credential-store.js';
import { COMPARE_AND_SWAP } from '../../../src/store/redis/redis-scripts.js';
import { serializeTokenFile } from '../../../src/token/token-file-format.js';
import { makeCertificates } from '../../helpers/throwaway-ca.js';
import { oauthToken } from '../../helpers/tokens.js';

// The Redis store's defences at their boundary, against a real redis-server
// (SECURITY.md › Credentials at rest): the compare-and-swap decided inside the
// Lua script, not by the caller's own read a moment before; the lease released
// only by its owner and always with a TTL; a `rediss://` server's certificate verified.

const PREFIX = 'bound:';
let redis: RedisServer;
let tlsRedis: RedisServer;
let certificates: Awaited<ReturnType<typeof makeCertificates>>;
let certificateDir: string;
beforeAll(async () => {
  certificateDir = await mkdtemp(join(tmpdir(), 'claude-auth-redis-ca-'));
  certificates = await makeCertificates(certificateDir, ['IP:127.0.0.1']);
  [redis, tlsRedis] = await Promise.all([
    RedisServer.start(),
    RedisServer.start({ tls: { certFile: certificates.certPath, keyFile: certificates.keyPath } }),
  ]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), tlsRedis?.stop()]);
  await rm(certificateDir, { recursive: true, force: true });
});

const storeKey = randomBytes(32);
const env = { CLAUDE_AUTH_STORE_KEY: storeKey.toString('base64') };
let profiles = 0;

/**
 * A cipher that, the first time it seals, lets another writer commit through
 * the same script — synchronously, from another Redis client — so that write
 * lands after the store's own read of the version and before its script runs.
 */
class InterleavingCipher extends RecordCipher {
  #interloper: (() => void) | undefined;

  constructor() {
    super([storeKey]);
  }

  /** Runs `write` inside the next seal. */
  beforeNextSeal(write: () => void): void {
    this.#interloper = write;
  }

  override seal(plaintext: string, context: string): SealedRecord {
    const write = this.#interloper;
    this.#interloper = undefined;
    write?.();
    return super.seal(plaintext, context);
  }
}

/** The record hash's fields, as redis-cli sees them. */
async function fields(recordKey: string): Promise<Record<string, string>> {
  const lines = (await redis.cli('hgetall', recordKey)).split('\n').filter((l) => l !== '');
  return Object.fromEntries(
    lines.flatMap((_, i) => (i % 2 === 0 ? [[lines[i], lines[i + 1]]] : [])),
  );
}

/** Another writer's compare-and-swap through redis-cli: the version after `seq`, sealed for it. */
function commitFromElsewhere(
  cipher: RecordCipher,
  recordKey: string,
  expected: { rev: string; seq: string },
  next: 'set' | 'del',
): void {
  const version = String(Number(expected.seq) + 1);
  const sealed =
    next === 'set'
      ? cipher.seal(serializeTokenFile(oauthToken(7_200_000)), `${recordKey}\0${version}`)
      : { keyId: '', sealed: '' };
  const [written] = execFileSync(
    'redis-cli',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(redis.port),
      'eval',
      COMPARE_AND_SWAP,
      '1',
      recordKey,
      expected.rev,
      expected.seq,
      next,
      sealed.keyId,
      sealed.sealed,
      'elsewhere',
    ],
    { encoding: 'utf8' },
  ).split('\n');
  if (written !== '1') throw new Error('the interloping write did not land');
}

function newStore(cipher: RecordCipher = new RecordCipher([storeKey])) {
  const profile = `p${++profiles}`;
  const store = new RedisCredentialStore({
    url: redis.url({ prefix: PREFIX }),
    profile,
    env,
    cipher,
  });
  return { store, keys: redisKeys(PREFIX, profile) };
}

describe('the compare-and-swap is decided inside the script', () => {
  it('refuses a write when another version landed between its read of the version and its script', async () => {
    const cipher = new InterleavingCipher();
    const { store, keys } = newStore(cipher);
    const first = await store.transact((tx) => tx.write(oauthToken(3_600_000), null));
    if (!first.written) throw new Error('the first write did not land');
    const theirs = await store.transact(async (tx) => {
      cipher.beforeNextSeal(() =>
        commitFromElsewhere(cipher, keys.record, { rev: '1', seq: '1' }, 'set'),
      );
      return tx.write(oauthToken(60_000), first.revision);
    });
    expect(theirs).toEqual({ written: false });
    expect(await fields(keys.record)).toMatchObject({ seq: '2', rev: '2' });
    // The record is the other writer's, whole and readable.
    expect((await store.read())?.token.expiresAt?.getTime()).toBeGreaterThan(
      Date.now() + 3_600_000,
    );
    store.close();
  });

  it('refuses a first write when another login and logout moved the version meanwhile', async () => {
    const cipher = new InterleavingCipher();
    const { store, keys } = newStore(cipher);
    const outcome = await store.transact(async (tx) => {
      cipher.beforeNextSeal(() => {
        commitFromElsewhere(cipher, keys.record, { rev: '', seq: '0' }, 'set');
        commitFromElsewhere(cipher, keys.record, { rev: '1', seq: '1' }, 'del');
      });
      return tx.write(oauthToken(60_000), null);
    });
    expect(outcome).toEqual({ written: false });
    // No record, as the other writer's logout left it; the version moved on.
    expect(await fields(keys.record)).toEqual({ seq: '2' });
    expect(await store.read()).toBeNull();
    store.close();
  });
});

describe('the lease', () => {
  it('is taken with a TTL no longer than asked: a holder that dies loses it', async () => {
    const { store, keys } = newStore();
    const pttl = await store.transact(async () => Number(await redis.cli('pttl', keys.lease)), {
      leaseMs: 30_000,
    });
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(30_000);
    store.close();
  });

  it('is released by its owner only: a successor’s lease, taken after ours lapsed, stays', async () => {
    const { store, keys } = newStore();
    await store.transact(async () => {
      // Ours lapsed while we stalled, and another holder took it.
      await redis.cli('set', keys.lease, 'successor', 'px', '60000');
    });
    expect((await redis.cli('get', keys.lease)).trim()).toBe('successor');
    store.close();
  });

  it('is gone once its owner releases it', async () => {
    const { store, keys } = newStore();
    await store.transact(async () => undefined);
    expect(Number(await redis.cli('exists', keys.lease))).toBe(0);
    store.close();
  });
});

describe('rediss://: the server’s certificate is verified', () => {
  it('serves TLS that a client trusting the throwaway CA accepts (the control)', async () => {
    const socket = connect({
      host: '127.0.0.1',
      port: tlsRedis.tlsPort as number,
      ca: await readFile(certificates.caPath),
    });
    await once(socket, 'secureConnect');
    socket.write('PING\r\n');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    expect(reply.toString()).toBe('+PONG\r\n');
  });

  it('refuses a server whose certificate no trusted CA signed: STORE_UNAVAILABLE naming the certificate', async () => {
    const store = new RedisCredentialStore({
      url: tlsRedis.url({ prefix: PREFIX, tls: true }),
      profile: 'tls',
      env,
    });
    const error = await store.read().catch((e: unknown) => e);
    store.close();
    expect(error).toMatchObject({ code: AuthErrorCode.STORE_UNAVAILABLE });
    expect((error as Error).message).toMatch(/certificate/i);
    expect((error as Error).message).toContain(`rediss://127.0.0.1:${tlsRedis.tlsPort}`);
  });
});
