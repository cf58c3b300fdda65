import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RedisConnection } from '../../../../src/store/redis/redis-connection.js';
import { acquireLease } from '../../../../src/store/redis/redis-lease.js';

const REQUEST = {
  leaseKey: 'claude-auth:lease:default',
  channel: 'claude-auth:released:default',
  ttlMs: 30_000,
  waitMs: 60_000,
  where: 'the Redis store',
};

describe('acquireLease', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries again at once when the holder’s release arrives before the answer to its own attempt', async () => {
    // Two sockets: the release's message (subscriber) can be handled before the reply to an
    // attempt the server ran just before the release (commands). That wake-up must not be
    // lost, or the waiter sleeps out the holder's whole TTL (30 s) with the lease free.
    vi.useFakeTimers();
    let onRelease: () => void = () => undefined;
    let attempts = 0;
    const connection = {
      evalScript: async () => {
        attempts += 1;
        if (attempts === 1) return [0, 30_000];
        if (attempts === 2) {
          onRelease();
          return [0, 29_990];
        }
        return [1, 30_000];
      },
      subscribe: async (_channel: string, onMessage: () => void) => {
        onRelease = onMessage;
        return { close: () => undefined };
      },
    } as unknown as RedisConnection;
    let held = false;
    const acquiring = acquireLease(connection, REQUEST).then((lease) => {
      held = true;
      return lease;
    });
    // No time passes: only pending promises run.
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(3);
    expect(held).toBe(true);
    await acquiring;
  });
});
