// Bench: the Redis store against the file store (reads per call), and a herd of
// processes sharing one Redis credential against a single refresh.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '../fixtures/redis-server.js';
import { type RefreshFunction, TokenManager } from '../src/refresh/token-manager.js';
import type { CredentialStore } from '../src/store/credential-store.js';
import { FileCredentialStore } from '../src/store/file/file-credential-store.js';
import { RedisCredentialStore } from '../src/store/redis/redis-credential-store.js';
import { AuthToken } from '../src/token/auth-token.js';
import { fmt, interleave, row, summarize, table } from './lib/stats.js';

const CALLS = 2_000;
const CACHED_CALLS = 200_000;
const REFRESH_LATENCY_MS = 50;
const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };

function token(expiresInMs: number): AuthToken {
  return new AuthToken({
    kind: 'oauth',
    accessToken: `access-${Math.random()}`,
    refreshToken: `refresh-${Math.random()}`,
    expiresAt: new Date(Date.now() + expiresInMs),
    obtainedAt: new Date(),
  });
}

const noRefresh: RefreshFunction = async () => {
  throw new Error('the bench token never needs a refresh');
};

async function put(store: CredentialStore, value: AuthToken): Promise<void> {
  await store.transact(async (tx) => tx.write(value, await tx.currentRevision()));
}

/** Calls per second of `getValidToken` on a new manager each call: one store read per call. */
async function perCall(store: CredentialStore): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++)
    await new TokenManager({ store, refresh: noRefresh }).getValidToken();
  return CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Calls per second of `getValidToken` on one warm manager: the cached token. */
async function cached(store: CredentialStore): Promise<number> {
  const manager = new TokenManager({ store, refresh: noRefresh });
  await manager.getValidToken();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CACHED_CALLS; i++) await manager.getValidToken();
  return CACHED_CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

function runChild(script: string, url: string, callers: number): Promise<{ refreshes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(callers), String(REFRESH_LATENCY_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env, CLAUDE_AUTH_STORE: url, CLAUDE_AUTH_PROFILE: 'herd' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`herd child exited ${code}`)),
    );
  });
}

async function herd(redis: RedisServer, processes: number, callers: number) {
  const url = redis.url({ prefix: 'bench:' });
  const store = new RedisCredentialStore({ url, profile: 'herd', env });
  // The child runs the built package; this file runs from .tools-build/bench.
  const script = fileURLToPath(new URL('../../bench/lib/redis-herd-child.mjs', import.meta.url));
  const run = async (count: number, perProcess: number) => {
    await put(store, token(-1_000));
    const start = performance.now();
    const outputs = await Promise.all(
      Array.from({ length: count }, () => runChild(script, url, perProcess)),
    );
    return {
      ms: performance.now() - start,
      refreshes: outputs.reduce((sum, o) => sum + o.refreshes, 0),
    };
  };
  const one: number[] = [];
  const many: number[] = [];
  const refreshes: number[] = [];
  for (let round = 0; round < 3; round++) {
    one.push((await run(1, 1)).ms);
    const result = await run(processes, callers);
    many.push(result.ms);
    refreshes.push(result.refreshes);
  }
  store.close();
  return { one: summarize(one), herd: summarize(many), refreshes };
}

/** Runs the Redis store benches against a local redis-server (AOF, appendfsync always) and returns Markdown. */
export async function run(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'claude-auth-bench-redis-'));
  const redis = await RedisServer.start();
  try {
    const file = new FileCredentialStore({ path: join(dir, 'tokens.json'), profile: 'default' });
    const shared = new RedisCredentialStore({ url: redis.url({ prefix: 'bench:' }), env });
    const value = token(3_600_000);
    await put(file, value);
    await put(shared, value);
    const reads = await interleave({ file: () => perCall(file), redis: () => perCall(shared) }, 5);
    const warm = await interleave({ file: () => cached(file), redis: () => cached(shared) }, 5);
    const fileReads = summarize(reads.file);
    const redisReads = summarize(reads.redis);
    const fileWarm = summarize(warm.file);
    const redisWarm = summarize(warm.redis);
    const processes = await herd(redis, 8, 100);
    shared.close();
    return [
      '### Redis store (fleets)',
      table(
        ['measure', 'median', 'min', 'max', 'ratio'],
        [
          row(
            '`getValidToken()`, cached valid token, file store, calls/s',
            fileWarm,
            '1.00',
            1e6,
            ' M',
          ),
          row(
            '`getValidToken()`, cached valid token, Redis store, calls/s',
            redisWarm,
            `${fmt(redisWarm.median / fileWarm.median)}× the file store's rate`,
            1e6,
            ' M',
          ),
          row(
            '`getValidToken()` reading the store each call, file store, calls/s',
            fileReads,
            '1.00',
            1e3,
            ' k',
          ),
          row(
            '`getValidToken()` reading the store each call, Redis store (decrypting), calls/s',
            redisReads,
            `${fmt(redisReads.median / fileReads.median)}× the file store's rate`,
            1e3,
            ' k',
          ),
          row('Redis: 1 process × 1 caller, expired token (baseline), ms', processes.one, '1.00'),
          row(
            `Redis: 8 processes × 100 callers, ms — refreshes per herd: ${processes.refreshes.join(', ')}`,
            processes.herd,
            fmt(processes.herd.median / processes.one.median),
          ),
        ],
      ),
      '',
      `A local redis-server on loopback with AOF and appendfsync always. Refresh round trip simulated at ${REFRESH_LATENCY_MS} ms; one refresh per herd is the goal. Process rows include Node start-up (8 processes share 2 cores).`,
    ].join('\n');
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
