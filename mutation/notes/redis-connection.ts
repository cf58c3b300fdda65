import { type MutantNote, notesOn } from '../mutant-note.js';

const FILE = 'src/store/redis/redis-connection.ts';

const note = notesOn(FILE);

/**
 * Notes on the surviving mutants of `src/store/redis/redis-connection.ts`
 * (`RedisConnection.#connect`). The defence there, a `rediss://` server's
 * certificate verified, is killed by test/integration/store/redis-boundaries.test.ts;
 * what survives are client options whose other values ioredis treats alike, and
 * the early end of a failed connection, which only makes the bounded wait shorter.
 */
export const redisConnectionNotes: readonly MutantNote[] = [
  note(
    'ConditionalExpression',
    'config.username !== undefined',
    'true',
    'equivalent',
    'ioredis treats `username: undefined` as no username: the connection is the same.',
  ),
  note(
    'ConditionalExpression',
    'config.password !== undefined',
    'true',
    'equivalent',
    'ioredis treats `password: undefined` as no password: the connection is the same.',
  ),
  note(
    'ObjectLiteral',
    '{ servername: config.host }',
    '{}',
    'equivalent',
    'Node’s tls.connect takes the servername from the host when none is given, and verifies the certificate against the host either way (the boundary test still refuses the untrusted server).',
  ),
  note(
    'BooleanLiteral',
    'false',
    'true',
    'not a defence',
    '`enableOfflineQueue` or `autoResubscribe` on: with retries off the client never reconnects, and every command is still bounded by the store’s own timer; nothing is sent anywhere else.',
  ),
  note(
    'ArrowFunction',
    '() => null',
    '() => undefined',
    'equivalent',
    'ioredis stops reconnecting when retryStrategy returns anything but a number.',
  ),
  note(
    'ArrowFunction',
    "(_, reject) => client.once('end', () => reject(new Error('Connection is closed.')))",
    '() => undefined',
    'not a defence',
    'Only ends the wait for a connection that already failed early; without it the wait ends at the connect timeout, with the same STORE_UNAVAILABLE.',
  ),
  note(
    'StringLiteral',
    "'end'",
    '""',
    'not a defence',
    'As above: the early end of a failed connection; the connect timeout still bounds it.',
  ),
  note(
    'ArrowFunction',
    "() => reject(new Error('Connection is closed.'))",
    '() => undefined',
    'not a defence',
    'As above: the early end of a failed connection; the connect timeout still bounds it.',
  ),
  note(
    'StringLiteral',
    "'Connection is closed.'",
    '""',
    'not a defence',
    'The text of an error that only shows when no earlier error said more; the code and fix stay.',
  ),
  note(
    'OptionalChaining',
    'client.stream?.unref?.()',
    'client.stream?.unref()',
    'equivalent',
    'A connected ioredis client’s stream is a net or TLS socket, which always has unref.',
  ),
  note(
    'OptionalChaining',
    'client.stream?.unref',
    'client.stream.unref',
    'equivalent',
    'A connected ioredis client always has its stream.',
  ),
];
