import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterDelay, MAX_TIMER_DELAY_MS, timerDelayUntil } from '../../../src/platform/timers.js';

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

describe('afterDelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Fake timers model setTimeout's overflow (a delay above 2^31 − 1 ms fires after 1 ms),
  // so an unclamped timer fails here as `login --timeout 3000000` did.
  it('waits the whole of a delay beyond setTimeout range (3,000,000 s), then fires once', () => {
    vi.useFakeTimers();
    let fired = 0;
    afterDelay(3_000_000_000, () => fired++);
    vi.advanceTimersByTime(2_147_483_647 + 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(3_000_000_000 - 2_147_483_648 - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(10 * DAY_MS);
    expect(fired).toBe(1);
  });

  it('never fires once cancelled, nor for Infinity ("no limit")', () => {
    vi.useFakeTimers();
    let fired = 0;
    const cancel = afterDelay(1_000, () => fired++);
    afterDelay(Number.POSITIVE_INFINITY, () => fired++);
    cancel();
    vi.advanceTimersByTime(400 * DAY_MS);
    expect(fired).toBe(0);
  });
});
