import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS, timerDelayUntil } from '../../../src/platform/timers.js';

const DAY_MS = 86_400_000;
const anyTime = fc.integer({ min: -(2 ** 52), max: 2 ** 52 });

describe('timerDelayUntil', () => {
  it('never asks setTimeout for a delay outside its range, for any target and now', () => {
    fc.assert(
      fc.property(anyTime, anyTime, (at, now) => {
        const delay = timerDelayUntil(at, now);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
        expect(Number.isFinite(delay)).toBe(true);
      }),
    );
  });

  // The bound written out as a number: a test that compared with the module's
  // own constant would pass whatever the constant became.
  it('never asks for a timer longer than setTimeout honours (2^31 − 1 ms), which would fire at once', () => {
    const now = Date.UTC(2026, 0);
    expect(timerDelayUntil(now + 400 * DAY_MS, now)).toBe(2_147_483_647);
    expect(timerDelayUntil(now + 1_000, now)).toBe(1_000);
    expect(timerDelayUntil(now - 1_000, now)).toBe(0);
  });
});
