import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResolvedCredential } from '../../../src/credentials/resolved-credential.js';
import { MAX_TIMER_DELAY_MS } from '../../../src/platform/timers.js';
import { RotationScheduler } from '../../../src/query/rotation-scheduler.js';
import { advisoryDueAt } from '../../../src/refresh/refresh-policy.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;
const LIFETIMES = [60 * SECOND, 5 * MINUTE, 10 * MINUTE, 3_600_000, DAY, 30 * DAY, 365 * DAY];

function credential(lifetimeMs: number, n: number): ResolvedCredential {
  const now = Date.now();
  return new ResolvedCredential({
    kind: 'oauth',
    source: 'profile',
    secret: `token-${n}`,
    obtainedAt: new Date(now),
    expiresAt: new Date(now + lifetimeMs),
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a scheduler for `durationMs` of fake time; `renews` says whether rotate finds a new credential. */
async function run(lifetimeMs: number, durationMs: number, renews: boolean) {
  let issued = 0;
  let rotations = 0;
  let current = credential(lifetimeMs, issued);
  const expired: string[] = [];
  const scheduler: RotationScheduler = new RotationScheduler({
    source: {
      rotationDue: (c) => advisoryDueAt(c, Date.now()),
      rotate: async () => {
        rotations++;
        return renews ? credential(lifetimeMs, ++issued) : undefined;
      },
    },
    handOver: async (next) => {
      if ((current.expiresAt?.getTime() ?? 0) <= Date.now()) expired.push(current.secret ?? '');
      current = next;
      scheduler.start(next);
    },
  });
  scheduler.start(current);
  // Advance in steps no timer can skip past, so each firing is seen.
  const step = Math.min(lifetimeMs / 8, MAX_TIMER_DELAY_MS);
  for (let elapsed = 0; elapsed < durationMs; elapsed += step)
    await vi.advanceTimersByTimeAsync(step);
  scheduler.stop();
  return { firings: scheduler.firings, rotations, expired };
}

describe('RotationScheduler over lifetimes from 60 s to one year', () => {
  it.each(LIFETIMES)(
    'a %i ms credential is rotated once per advisory interval, before expiry, never in a loop',
    async (lifetimeMs) => {
      const duration = 3 * lifetimeMs;
      const { firings, rotations, expired } = await run(lifetimeMs, duration, true);
      // Due at the advisory window's start: min(5 min, L/2) before expiry.
      const interval = lifetimeMs - Math.min(5 * MINUTE, lifetimeMs / 2);
      const expected = Math.floor(duration / interval);
      expect(rotations).toBeGreaterThanOrEqual(expected - 1);
      expect(rotations).toBeLessThanOrEqual(expected + 1);
      // A clamped timer wakes early at most once per 2^31-1 ms of waiting.
      expect(firings).toBeLessThanOrEqual(rotations + Math.ceil(duration / MAX_TIMER_DELAY_MS) + 1);
      expect(expired).toEqual([]);
    },
  );

  it.each(LIFETIMES)(
    'a %i ms credential that cannot be renewed is looked at a bounded number of times',
    async (lifetimeMs) => {
      const { rotations } = await run(lifetimeMs, 2 * lifetimeMs, false);
      // From the due point a quarter of what is left, at least 500 ms: a few dozen looks at most.
      expect(rotations).toBeGreaterThan(0);
      expect(rotations).toBeLessThanOrEqual(40);
    },
  );

  it('schedules nothing for a credential without expiry, and nothing fires after stop()', async () => {
    const rotate = vi.fn(async () => undefined);
    const never = new RotationScheduler({
      source: { rotationDue: () => undefined, rotate },
      handOver: async () => undefined,
    });
    never.start(new ResolvedCredential({ kind: 'api-key', source: 'option', secret: 'k' }));
    const stopped = new RotationScheduler({
      source: { rotationDue: () => Date.now() + 1000, rotate },
      handOver: async () => undefined,
    });
    stopped.start(credential(60 * SECOND, 0));
    stopped.stop();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(rotate).not.toHaveBeenCalled();
    expect(never.firings + stopped.firings).toBe(0);
  });
});
