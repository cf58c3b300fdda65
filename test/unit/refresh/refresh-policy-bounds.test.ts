import { describe, expect, it } from 'vitest';
import { refreshWindows } from '../../../src/refresh/refresh-policy.js';

const DAY_MS = 86_400_000;

// The bounds written out as numbers: a test that compared with the module's own
// constants would pass whatever the constants became.
describe('the refresh policy’s bounds', () => {
  it('warns about a one-year subscription token 30 days before it expires', () => {
    const now = Date.now();
    const token = { obtainedAt: new Date(now), expiresAt: new Date(now + 365 * DAY_MS) };
    expect(refreshWindows(token, now).renewalMs).toBe(30 * DAY_MS);
  });
});
