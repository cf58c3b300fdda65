// Holds a Redis store's lease, reads, then waits for "write" on stdin before
// writing a new token against the revision it read: the test SIGSTOPs it in
// between, past its lease. Prints "read <revision>", then "written <revision>"
// or "refused".
import { createInterface } from 'node:readline';
import { AuthToken } from '../../../dist/index.js';
import { RedisCredentialStore } from '../../../dist/store/redis/redis-credential-store.js';

const [url, profile, leaseMs] = process.argv.slice(2);
const store = new RedisCredentialStore({ url, profile });
const lines = createInterface({ input: process.stdin });
const next = new Promise((resolve) => lines.once('line', resolve));
await store.transact(
  async (tx) => {
    const seen = await tx.read();
    process.stdout.write(`read ${seen?.revision}\n`);
    await next;
    const outcome = await tx.write(
      new AuthToken({ kind: 'oauth', accessToken: 'late-writer', expiresAt: null }),
      seen?.revision ?? null,
    );
    process.stdout.write(outcome.written ? `written ${outcome.revision}\n` : 'refused\n');
  },
  { leaseMs: Number(leaseMs) },
);
store.close();
lines.close();
