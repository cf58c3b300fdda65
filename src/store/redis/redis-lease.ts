import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import type { RedisConnection, RedisSubscription } from './redis-connection.js';
import { ACQUIRE_LEASE, RELEASE_LEASE } from './redis-scripts.js';

// node:crypto is taken at first use (process.getBuiltinModule), not imported: the
// file store's `token` and `status` load this module but need no crypto (issue 23).

/** The longest pause between two attempts at a lease when no release notification can arrive. */
const MAX_POLL_MS = 1_000;

/** A lease held in Redis. */
export interface HeldLease {
  /** Milliseconds left, counted from before the `SET` was sent (never more than the server's). */
  remainingMs(): number;
  /** Releases it if it is still ours (compare-and-delete); never throws. */
  release(): Promise<void>;
}

/** Where a lease lives and how it is waited for. */
export interface LeaseRequest {
  readonly leaseKey: string;
  /** Told of every release and every new version: waiters wake on it instead of spinning. */
  readonly channel: string;
  readonly ttlMs: number;
  readonly waitMs: number;
  /** For the timeout's message. */
  readonly where: string;
  readonly onTakeover?: (() => void) | undefined;
}

/**
 * Takes a lease: `SET key owner NX PX ttl` with a random owner, released by
 * compare-and-delete. A waiter listens on the channel (released, or a new
 * version written) and otherwise sleeps until the holder's TTL runs out, or a
 * bounded backoff when the ACL denies the channel; it never spins.
 *
 * @throws {@link AuthenticationError} `STORAGE_LOCK_TIMEOUT` after `waitMs`;
 *   `STORE_UNAVAILABLE` when Redis does not answer.
 */
export async function acquireLease(
  connection: RedisConnection,
  request: LeaseRequest,
): Promise<HeldLease> {
  const owner = process.getBuiltinModule('node:crypto').randomBytes(16).toString('base64url');
  const started = performance.now();
  const deadline = started + request.waitMs;
  let subscription: RedisSubscription | undefined;
  let subscribed = false;
  let wake: (() => void) | undefined;
  // Releases heard so far. The release's message comes on the subscriber's socket and the
  // attempt's reply on the command socket: the message of a release the server ran just
  // after this attempt can be handled first, while nobody sleeps. Counted, it is not lost.
  let releases = 0;
  let lastSeen: { at: number; pttl: number } | undefined;
  let backoff = 10;
  try {
    for (;;) {
      const heard = releases;
      const sentAt = performance.now();
      const [taken, pttl] = (await connection.evalScript(
        ACQUIRE_LEASE,
        [request.leaseKey],
        [owner, String(Math.ceil(request.ttlMs))],
      )) as [number, number];
      if (taken === 1) {
        // Taken only once the previous holder's TTL ran out: it died (or stalled) holding it.
        if (lastSeen !== undefined && sentAt - lastSeen.at >= lastSeen.pttl) request.onTakeover?.();
        return held(connection, request, owner, sentAt);
      }
      if (sentAt >= deadline) throw lockTimeout(request);
      lastSeen = { at: sentAt, pttl };
      if (!subscribed) {
        subscribed = true;
        subscription = await connection.subscribe(request.channel, () => {
          releases += 1;
          wake?.();
        });
        // The holder may have released between our attempt and the subscription.
        continue;
      }
      // Released since this attempt was sent: try again at once rather than sleep out its TTL.
      if (releases !== heard) continue;
      const untilExpiry = Math.max(pttl, 0);
      const pause =
        subscription === undefined
          ? Math.min(backoff, untilExpiry || backoff)
          : untilExpiry || Math.min(backoff, MAX_POLL_MS);
      backoff = Math.min(backoff * 2, MAX_POLL_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(pause, Math.max(0, deadline - sentAt)) + 1);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    subscription?.close();
  }
}

function held(
  connection: RedisConnection,
  request: LeaseRequest,
  owner: string,
  sentAt: number,
): HeldLease {
  return {
    remainingMs: () => Math.max(0, request.ttlMs - (performance.now() - sentAt)),
    release: async () => {
      // A lease we could not release expires by itself within its TTL.
      await connection
        .evalScript(RELEASE_LEASE, [request.leaseKey], [owner, request.channel])
        .catch(() => undefined);
    },
  };
}

function lockTimeout(request: LeaseRequest): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.STORAGE_LOCK_TIMEOUT,
    `Another process has held the lease on ${request.where} for over ${Math.round(request.waitMs / 1000)} s.`,
    {
      fix: `wait and retry; a holder that died loses the lease within ${Math.ceil(request.ttlMs / 1000)} s`,
    },
  );
}
