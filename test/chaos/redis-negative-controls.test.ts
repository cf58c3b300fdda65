import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcServer } from '../../fixtures/oidc-server.js';
import { RedisServer } from '../../fixtures/redis-server.js';
import { refreshProviderToken } from '../../src/oauth/provider-tokens.js';
import { RedisCredentialStore } from '../../src/store/redis/redis-credential-store.js';
import { childScript, startNode, waitForLine } from '../helpers/child-process.js';
import { scriptedLogin } from '../helpers/scripted-login.js';

// The token endpoint's latency in these controls; the lease is set below or above it.
const LATENCY_MS = 600;

let redis: RedisServer;
let oidc: OidcServer;
const counts = { refreshed: 0, invalidGrant: 0 };
const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };

beforeAll(async () => {
  redis = await RedisServer.start();
  // A slow token endpoint: the stand-in for a loaded provider.
  oidc = await OidcServer.start({ tokenLatencyMs: LATENCY_MS });
  oidc.provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') counts.refreshed++;
  });
  oidc.provider.on('grant.error', (_ctx, error) => {
    if ((error as { error?: string }).error === 'invalid_grant') counts.invalidGrant++;
  });
});
afterAll(async () => {
  await oidc?.close();
  await redis?.stop();
});

/**
 * Two fleet members refresh one credential at once, each in a transaction with
 * a lease of `leaseMs`, spending the refresh token they read and writing by
 * compare-and-swap: what the fleet chaos test runs, without its other guards.
 */
async function twoRefreshers(profile: string, leaseMs: number) {
  const url = redis.url({ prefix: 'controls:' });
  const seed = new RedisCredentialStore({ url, profile, env });
  await seed.transact(async (tx) => tx.write(await scriptedLogin(oidc), null));
  counts.refreshed = 0;
  counts.invalidGrant = 0;
  const refresher = (store: RedisCredentialStore) =>
    store.transact(
      async (tx) => {
        const stored = await tx.read();
        if (stored === null) throw new Error('no credential');
        const next = await refreshProviderToken(stored.token).catch((error) => error);
        if (next instanceof Error) return 'invalid_grant';
        return (await tx.write(next, stored.revision)).written ? 'written' : 'refused';
      },
      { leaseMs, waitMs: 30_000 },
    );
  const outcomes = await Promise.all([
    refresher(new RedisCredentialStore({ url, profile, env })),
    refresher(new RedisCredentialStore({ url, profile, env })),
  ]);
  return { outcomes, ...counts };
}

describe('negative controls: the fleet tests can fail', () => {
  it('with the lease shorter than the token endpoint latency, the double spend is detected', async () => {
    const result = await twoRefreshers('short-lease', LATENCY_MS / 4);
    console.log(`short lease: ${JSON.stringify(result)}`);
    // The second holder took the expired lease and spent the same refresh token: the provider saw reuse.
    expect(result.invalidGrant).toBeGreaterThan(0);
  }, 60_000);

  it('with the lease longer than the latency, the same two refreshers spend it once', async () => {
    const result = await twoRefreshers('long-lease', LATENCY_MS * 10);
    console.log(`long lease: ${JSON.stringify(result)}`);
    expect(result.invalidGrant).toBe(0);
    // The second sees the first's new version and refreshes that one: two rotations, no reuse.
    expect(result.outcomes).toEqual(['written', 'written']);
    expect(result.refreshed).toBe(2);
  }, 60_000);

  it('a holder SIGSTOPped past its lease has its late write refused; the newer version stays', async () => {
    const url = redis.url({ prefix: 'controls:' });
    const store = new RedisCredentialStore({ url, profile: 'stopped', env });
    const first = await scriptedLogin(oidc);
    await store.transact((tx) => tx.write(first, null));
    const child = startNode(childScript('lease-holder.mjs'), [url, 'stopped', '400'], {
      ...process.env,
      ...env,
    });
    const read = await waitForLine(child, (line) => line.startsWith('read '));
    expect(read).toBe('read 1');
    child.kill('SIGSTOP');
    // Waits (without polling) until the stopped holder's lease runs out, then writes.
    let takeover = false;
    const winner = await store.transact(
      async (tx) => {
        const stored = await tx.read();
        const next = await refreshProviderToken(stored?.token ?? first);
        return { token: next, outcome: await tx.write(next, stored?.revision ?? null) };
      },
      { waitMs: 30_000, onTakeover: () => (takeover = true) },
    );
    expect(takeover).toBe(true);
    expect(winner.outcome).toEqual({ written: true, revision: '2' });
    child.kill('SIGCONT');
    const late = waitForLine(child, (line) => line === 'refused' || line.startsWith('written'));
    child.stdin?.write('write\n');
    expect(await late).toBe('refused');
    const stored = await store.read();
    expect(stored?.revision).toBe('2');
    expect(stored?.token.accessToken).toBe(winner.token.accessToken);
    expect((await oidc.introspect(stored?.token.refreshToken as string)).active).toBe(true);
    store.close();
  }, 60_000);
});
