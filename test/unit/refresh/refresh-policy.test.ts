import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS, timerDelayUntil } from '../../../src/platform/timers.js';
import {
  ADVISORY_REFRESH_WINDOW_MS,
  advisoryDueAt,
  MANDATORY_REFRESH_WINDOW_MS,
  type RefreshState,
  refreshState,
  refreshWindows,
} from '../../../src/refresh/refresh-policy.js';

const SECOND = 1_000;
const YEAR = 365 * 86_400_000;
const RANK: Record<RefreshState, number> = { fresh: 0, advisory: 1, mandatory: 2, expired: 3 };

/** Lifetimes from one second to one year; issue times anywhere from 1971 to 2200. */
const lifetime = fc.integer({ min: SECOND, max: YEAR });
const issuedAt = fc.integer({ min: Date.UTC(1971, 0), max: Date.UTC(2200, 0) });
const anyTime = fc.integer({ min: -(2 ** 52), max: 2 ** 52 });

describe('refresh policy', () => {
  it('never finds a token due on arrival, whatever its lifetime', () => {
    fc.assert(
      fc.property(lifetime, issuedAt, (life, at) => {
        const expiresAt = new Date(at + life);
        expect(refreshState({ expiresAt, obtainedAt: new Date(at) }, at)).toBe('fresh');
      }),
    );
  });

  it('a token of unknown lifetime (no obtainedAt, or a file written before it existed) is due before it expires, by the full windows', () => {
    fc.assert(
      fc.property(lifetime, issuedAt, (life, at) => {
        const expiresAt = new Date(at + life);
        for (const credential of [{ expiresAt }, { expiresAt, obtainedAt: new Date(0) }]) {
          const last = at + life - 1;
          expect(refreshState(credential, last)).toBe('mandatory');
          expect(advisoryDueAt(credential, at)).toBe(at + life - ADVISORY_REFRESH_WINDOW_MS);
          expect(refreshWindows(credential, at)).toMatchObject({
            advisoryMs: ADVISORY_REFRESH_WINDOW_MS,
            mandatoryMs: MANDATORY_REFRESH_WINDOW_MS,
          });
        }
      }),
    );
  });

  it('lets a token live at least half its lifetime before it is due: at most one refresh per half-lifetime', () => {
    fc.assert(
      fc.property(lifetime, issuedAt, (life, at) => {
        const credential = { expiresAt: new Date(at + life), obtainedAt: new Date(at) };
        const due = advisoryDueAt(credential, at) as number;
        expect(due - at).toBeGreaterThanOrEqual(life / 2);
        expect(refreshState(credential, due - 1)).toBe('fresh');
        expect(refreshState(credential, due)).not.toBe('fresh');
      }),
    );
  });

  it('caps the windows (5 min advisory, 30 s mandatory) and keeps mandatory inside advisory', () => {
    fc.assert(
      fc.property(lifetime, issuedAt, anyTime, (life, at, now) => {
        const windows = refreshWindows(
          { expiresAt: new Date(at + life), obtainedAt: new Date(at) },
          now,
        );
        expect(windows.advisoryMs).toBeLessThanOrEqual(ADVISORY_REFRESH_WINDOW_MS);
        expect(windows.mandatoryMs).toBeLessThanOrEqual(MANDATORY_REFRESH_WINDOW_MS);
        expect(windows.mandatoryMs).toBeLessThanOrEqual(windows.advisoryMs);
        expect(windows.mandatoryMs).toBeGreaterThan(0);
      }),
    );
  });

  it('only moves forward in time: fresh, advisory, mandatory, expired', () => {
    fc.assert(
      fc.property(
        lifetime,
        issuedAt,
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (life, at, a, b) => {
          const credential = { expiresAt: new Date(at + life), obtainedAt: new Date(at) };
          const [early, late] = a <= b ? [a, b] : [b, a];
          const first = refreshState(credential, at + Math.floor(early * life));
          const second = refreshState(credential, at + Math.floor(late * life));
          expect(RANK[first]).toBeLessThanOrEqual(RANK[second]);
        },
      ),
    );
  });

  it('schedules a one-year token within setTimeout range, and a credential without expiry never', () => {
    const now = Date.UTC(2026, 0);
    const due = advisoryDueAt({ expiresAt: new Date(now + YEAR), obtainedAt: new Date(now) }, now);
    expect(timerDelayUntil(due as number, now)).toBe(MAX_TIMER_DELAY_MS);
    expect(advisoryDueAt({ expiresAt: null }, now)).toBeUndefined();
    expect(refreshState({ expiresAt: null }, now)).toBe('fresh');
  });
});
