import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcServer } from '../../fixtures/oidc-server.js';
import { RedisServer } from '../../fixtures/redis-server.js';
import { refreshProviderToken } from '../../src/oauth/provider-tokens.js';
import { RedisCredentialStore } from '../../src/store/redis/redis-credential-store.js';
import { childScript, kill, startNode } from '../helpers/child-process.js';
import { scriptedLogin } from '../helpers/scripted-login.js';

// FLEET_CHAOS_FULL=1 runs the full size (8 runners × 200 refresh cycles); CI the small one.
const FULL = process.env.FLEET_CHAOS_FULL === '1';
const RUNNERS = 8;
const CYCLES = FULL ? 200 : 5;
const KILLS = FULL ? 60 : 4;
// Strict rotation with a short access-token lifetime: a refresh about every lifetime / 2.
const TOKEN_TTL_S = FULL ? 2 : 4;
// The lease of transactions that name none (the test's own re-logins); runners ask for 2 s + 5 s.
const LEASE_MS = 3_000;

let redis: RedisServer;
let oidc: OidcServer;
const env = { CLAUDE_AUTH_STORE_KEY: randomBytes(32).toString('base64') };
const grants = { refreshed: [] as number[], invalidGrant: 0 };

beforeAll(async () => {
  redis = await RedisServer.start();
  oidc = await OidcServer.start({ accessTokenTtl: TOKEN_TTL_S });
  oidc.provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') grants.refreshed.push(Date.now());
  });
  oidc.provider.on('grant.error', (_ctx, error) => {
    if ((error as { error?: string }).error === 'invalid_grant') grants.invalidGrant++;
  });
});
afterAll(async () => {
  await oidc?.close();
  await redis?.stop();
});

interface Tally {
  tokens: number;
  expired: number;
  lost: number;
  kills: number;
  /** Kills aimed at a runner that had just announced a refresh. */
  killsInRefresh: number;
  takeovers: number;
  errors: string[];
}

/** Runs the fleet until each runner has seen `CYCLES` tokens, SIGKILLing `kills` runners at random moments. */
async function runFleet(
  url: string,
  profile: string,
  store: RedisCredentialStore,
  kills: number,
): Promise<Tally> {
  const tally: Tally = {
    tokens: 0,
    expired: 0,
    lost: 0,
    kills: 0,
    killsInRefresh: 0,
    takeovers: 0,
    errors: [],
  };
  const remaining: number[] = Array.from({ length: RUNNERS }, () => CYCLES);
  const homes = await Promise.all(
    Array.from({ length: RUNNERS }, () => mkdtemp(join(tmpdir(), 'claude-auth-runner-'))),
  );
  const running = new Map<number, ChildProcess>();
  let killsLeft = kills;
  let relogin: Promise<void> | undefined;
  // One re-login per lost session, however many runners noticed it.
  const recover = () => {
    relogin ??= (async () => {
      const stored = await store.read();
      if (stored?.token.reauthRequired !== true) return;
      tally.lost++;
      const token = await scriptedLogin(oidc);
      await store.transact((tx) => tx.write(token, stored.revision));
    })().finally(() => {
      relogin = undefined;
    });
    return relogin;
  };
  const start = (slot: number): Promise<void> =>
    new Promise((resolve) => {
      const home = homes[slot] as string;
      const child = startNode(childScript('fleet-runner.mjs'), [String(remaining[slot])], {
        ...process.env,
        ...env,
        HOME: home,
        CLAUDE_AUTH_DIR: join(home, '.claude_code'),
        CLAUDE_AUTH_STORE: url,
        CLAUDE_AUTH_PROFILE: profile,
      });
      child.stderr?.on('data', (chunk) => tally.errors.push(`stderr: ${chunk}`));
      running.set(slot, child);
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line === 'token') {
          tally.tokens++;
          remaining[slot] = (remaining[slot] ?? 1) - 1;
        } else if (line === 'expired') tally.expired++;
        else if (line === 'takeover') tally.takeovers++;
        else if (line === 'refreshing') {
          // Half the kills aim at a refresh: before the request, or after the rotation and before the write.
          if (killsLeft > 0 && Math.random() < 0.5) {
            killsLeft--;
            tally.kills++;
            tally.killsInRefresh++;
            setTimeout(() => void kill(child), Math.random() * 30);
          }
        } else if (line !== 'lost') tally.errors.push(line);
      });
      child.on('exit', async (code, signal) => {
        running.delete(slot);
        if (code === 3) await recover();
        // Restarted after a kill or a lost session; a runner that failed otherwise stays down.
        const restart = signal === 'SIGKILL' || code === 3;
        if (!restart && code !== 0) tally.errors.push(`runner exited with code ${code}`);
        if (restart && (remaining[slot] ?? 0) > 0) await start(slot);
        resolve();
      });
    });
  const fleet = Promise.all(Array.from({ length: RUNNERS }, (_, slot) => start(slot)));
  let done = false;
  void fleet.then(() => {
    done = true;
  });
  while (!done && killsLeft > 0) {
    // Random moments: some land mid-refresh, some between rotation and write, most between refreshes.
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1_500));
    const children = [...running.values()];
    const victim = children[Math.floor(Math.random() * children.length)];
    if (victim === undefined) continue;
    await kill(victim);
    killsLeft--;
    tally.kills++;
  }
  await fleet;
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
  return tally;
}

async function freshFleet(profile: string) {
  const url = redis.url({ prefix: 'fleet:' }).replace('?', `?leaseMs=${LEASE_MS}&`);
  const store = new RedisCredentialStore({ url, profile, env });
  await store.transact(async (tx) => tx.write(await scriptedLogin(oidc), null));
  grants.refreshed = [];
  grants.invalidGrant = 0;
  return { url, store, profile };
}

/** The shortest gap between two refreshes at the provider, in ms. */
function shortestGap(times: readonly number[]): number {
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++)
    gap = Math.min(gap, (times[i] as number) - (times[i - 1] as number));
  return gap;
}

describe(`fleet chaos on Redis (${RUNNERS} runners, own HOMEs, × ${CYCLES} refresh cycles)`, () => {
  it('without kills: one refresh per expiry, no invalid_grant, no lost session, never an expired token', async () => {
    const { url, store, profile } = await freshFleet('control');
    const tally = await runFleet(url, profile, store, 0);
    const version = Number((await store.read())?.revision);
    console.log(
      `fleet control: ${tally.tokens} tokens seen, ${grants.refreshed.length} refreshes at the provider, ${version} versions, shortest gap ${shortestGap(grants.refreshed)} ms, ${grants.invalidGrant} invalid_grant, ${tally.lost} lost`,
    );
    expect(tally.errors).toEqual([]);
    expect(tally.tokens).toBe(RUNNERS * CYCLES);
    expect(tally.expired).toBe(0);
    expect(grants.invalidGrant).toBe(0);
    expect(tally.lost).toBe(0);
    expect(grants.refreshed.length).toBeGreaterThanOrEqual(CYCLES - 1);
    // Every refresh became the next version (no refresh wasted), ...
    expect(version).toBe(grants.refreshed.length + 1);
    // ... and none came before the token was due (half its lifetime): one refresh per expiry.
    expect(shortestGap(grants.refreshed)).toBeGreaterThanOrEqual((TOKEN_TTL_S * 1000) / 2 - 50);
  }, 600_000);

  it('with SIGKILLs at random moments: invalid_grant only for sessions lost in the kill window, counted', async () => {
    const { url, store, profile } = await freshFleet('chaos');
    const tally = await runFleet(url, profile, store, KILLS);
    console.log(
      `fleet chaos: ${tally.tokens} tokens seen, ${grants.refreshed.length} refreshes at the provider, ${tally.kills} SIGKILLs (${tally.killsInRefresh} aimed at a refresh), ${tally.takeovers} lease takeovers, ${tally.lost} sessions lost (re-login), ${grants.invalidGrant} invalid_grant`,
    );
    expect(tally.errors).toEqual([]);
    expect(tally.expired).toBe(0);
    // A session is lost only by a kill between the provider's rotation and the write.
    expect(tally.lost).toBeLessThanOrEqual(tally.kills);
    expect(grants.invalidGrant).toBeLessThanOrEqual(tally.lost);
    const stored = await store.read();
    expect(stored?.token.reauthRequired).toBe(false);
    expect((await oidc.introspect(stored?.token.refreshToken ?? '')).active).toBe(true);
    const next = await refreshProviderToken(stored?.token as NonNullable<typeof stored>['token']);
    expect((await oidc.introspect(next.accessToken)).active).toBe(true);
  }, 900_000);
});
