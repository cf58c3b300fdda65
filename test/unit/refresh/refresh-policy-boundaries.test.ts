import { describe, expect, it } from 'vitest';
import { lifetimeMs, refreshState, refreshWindows } from '../../../src/refresh/refresh-policy.js';
import { oauthToken } from '../../helpers/tokens.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');

// The windows written out as numbers (5 min / 30 s caps, L/2 and L/4 of a short
// lifetime): a test that compared with the module's own constants would pass
// whatever they became. Every instant is exact; no clock is read.
describe('the refresh policy at its exact boundaries', () => {
  describe('a recorded obtainedAt that cannot be the start of the lifetime is ignored (full windows)', () => {
    const expiresAt = new Date(NOW + 10 * MINUTE);

    it.each([
      ['the epoch (a file written before obtainedAt was recorded)', new Date(0)],
      ['the expiry itself (a lifetime of 0 ms)', expiresAt],
      ['after the expiry (a clock set ahead, or a corrupt file)', new Date(NOW + 20 * MINUTE)],
    ])('obtainedAt at %s gives an unknown lifetime', (_, obtainedAt) => {
      const credential = { expiresAt, obtainedAt };
      expect(lifetimeMs(credential)).toBe(Number.POSITIVE_INFINITY);
      expect(refreshWindows(credential)).toMatchObject({
        advisoryMs: 5 * MINUTE,
        mandatoryMs: 30_000,
      });
    });

    it.each([
      ['at the expiry', expiresAt],
      ['after the expiry', new Date(NOW + 20 * MINUTE)],
    ])('obtainedAt %s still leaves the token due before it expires', (_, obtainedAt) => {
      // A zero or negative lifetime would shrink both windows to nothing: "fresh" until expired.
      const credential = { expiresAt, obtainedAt };
      expect(refreshState(credential, expiresAt.getTime() - 5 * MINUTE)).toBe('advisory');
      expect(refreshState(credential, expiresAt.getTime() - 30_000)).toBe('mandatory');
      expect(refreshState(credential, expiresAt.getTime() - 1)).toBe('mandatory');
    });
  });

  it('a 60-second token is advisory from 30 s left and mandatory from 15 s left, not from the 5-min / 30-s caps', () => {
    const credential = { obtainedAt: new Date(NOW), expiresAt: new Date(NOW + MINUTE) };
    const expiry = credential.expiresAt.getTime();
    expect(refreshWindows(credential)).toMatchObject({ advisoryMs: 30_000, mandatoryMs: 15_000 });
    expect(refreshState(credential, expiry - 30_001)).toBe('fresh');
    expect(refreshState(credential, expiry - 30_000)).toBe('advisory');
    expect(refreshState(credential, expiry - 15_001)).toBe('advisory');
    expect(refreshState(credential, expiry - 15_000)).toBe('mandatory');
  });

  it('a long-lived token is mandatory at exactly 30 s left: callers wait from there on', () => {
    const credential = { obtainedAt: new Date(NOW), expiresAt: new Date(NOW + DAY) };
    const expiry = credential.expiresAt.getTime();
    expect(refreshState(credential, expiry - 30_001)).toBe('advisory');
    expect(refreshState(credential, expiry - 30_000)).toBe('mandatory');
  });

  it('a token is expired at exactly its expiry and after, as AuthToken.isExpired() says', () => {
    const token = oauthToken(DAY, NOW);
    const expiry = (token.expiresAt as Date).getTime();
    expect(refreshState(token, expiry - 1)).toBe('mandatory');
    expect(token.isExpired(0, expiry - 1)).toBe(false);
    for (const now of [expiry, expiry + 1, expiry + DAY]) {
      expect(refreshState(token, now)).toBe('expired');
      expect(token.isExpired(0, now)).toBe(true);
    }
  });

  it('a subscription token living 10 days is due for renewal with 5 days left (half its lifetime), not on arrival', () => {
    const credential = { obtainedAt: new Date(NOW), expiresAt: new Date(NOW + 10 * DAY) };
    expect(refreshWindows(credential).renewalMs).toBe(5 * DAY);
  });
});
