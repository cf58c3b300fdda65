import { describe, expect, it } from 'vitest';
import { refreshWindows, timerDelayUntil } from '../../../src/refresh/refresh-policy.js';

const DAY_MS = 86_400_000;

// The bounds written out as numbers: a test that compared with the module's own
// constants would pass whatever the constants became.
describe('the refresh policy’s bounds', () => {
  it('never asks for a timer longer than setTimeout honours (2^31 − 1 ms), which would fire at once', () => {
    const now = Date.now();
    expect(timerDelayUntil(now + 400 * DAY_MS, now)).toBe(2_147_483_647);
  });

  it('warns about a one-year subscription token 30 days before it expires', () => {
    const now = Date.now();
    const token = { obtainedAt: new Date(now), expiresAt: new Date(now + 365 * DAY_MS) };
    expect(refreshWindows(token, now).renewalMs).toBe(30 * DAY_MS);
  });
});
