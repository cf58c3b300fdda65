/**
 * A defence of SECURITY.md, the test that asserts its exact edge, and the
 * weakening a developer's mistake could make, applied to the source by hand
 * (never committed): the test fails with it and passes without it. Stryker's
 * mutants remove a defence; these weaken it, which its operators rarely do
 * (issue #24).
 */
export interface DefenceBoundary {
  /** The defence, as SECURITY.md names it. */
  readonly defence: string;
  /** The test file, from the project root. */
  readonly test: string;
  /** The test's title as written in the file (a `%s` row title as its template). */
  readonly title: string;
  /** The weakened source file, from the project root. */
  readonly source: string;
  /** What the hand-made weakening changed. */
  readonly weakening: string;
}

const UNIT = 'test/unit';

/** The defences' boundary tests, each proven against its weakening. */
export const DEFENCE_BOUNDARIES: readonly DefenceBoundary[] = [
  {
    defence: 'An issuer is learnt only from an `iss` on the authorization endpoint’s origin',
    test: `${UNIT}/oauth/oauth-flow-issuer.test.ts`,
    title: 'never learns an iss that %s',
    source: 'src/oauth/oauth-flow.ts',
    weakening: '`learnable` matches the origin as a prefix of `iss` (`iss.startsWith(origin)`)',
  },
  {
    defence: 'A learnt issuer is matched exactly by the ID token',
    test: `${UNIT}/oauth/oauth-flow-issuer.test.ts`,
    title: 'refuses an ID token whose issuer differs from the learnt one by %s',
    source: 'src/oauth/oauth-flow.ts',
    weakening:
      '`learnIssuerFromIdToken` relearns from the ID token when an issuer is already known',
  },
  {
    defence: 'A pasted response needs the whole URL where the server sends `iss` (RFC 9207)',
    test: `${UNIT}/oauth/oauth-flow-issuer.test.ts`,
    title: 'asks for the whole redirect URL when %s is pasted, then completes with it',
    source: 'src/oauth/oauth-flow.ts',
    weakening: 'a pasted `code#state` (a line with `#`) accepted without `iss`',
  },
  {
    defence: 'Device flow: each `slow_down` adds 5 s (RFC 8628 §3.5)',
    test: `${UNIT}/oauth/device-flow.test.ts`,
    title: 'adds 5 s for every slow_down: two take the default 5 s interval to 15 s',
    source: 'src/oauth/oauth-flow.ts',
    weakening: 'the interval set to the server’s plus 5 s instead of increased by 5 s',
  },
  {
    defence: 'The loopback listener takes its callback on the registered path only',
    test: `${UNIT}/oauth/loopback-listener-callbacks.test.ts`,
    title: 'a path under the registered one',
    source: 'src/oauth/loopback-listener.ts',
    weakening: 'the path compared with `startsWith(redirectUri.pathname)`',
  },
  {
    defence: '`state` compared whole, in the listener',
    test: `${UNIT}/oauth/loopback-listener-callbacks.test.ts`,
    title: 'a state that extends the right one',
    source: 'src/oauth/loopback-listener.ts',
    weakening: '`sameSecret` compares only the expected state’s length of the received one',
  },
  {
    defence: '`state` compared whole, in a pasted response',
    test: `${UNIT}/oauth/pasted-response-state.test.ts`,
    title: 'code#state with this login’s state extended',
    source: 'src/oauth/pasted-response.ts',
    weakening: '`isExpectedState` compares only the expected state’s length of the pasted one',
  },
  {
    defence: 'OAuth responses bounded in size',
    test: `${UNIT}/oauth/http-client-boundaries.test.ts`,
    title: 'refuses a body one byte over the limit in %i chunk(s)',
    source: 'src/oauth/http-client.ts',
    weakening: 'size counted per chunk, not over the body; the limit off by one either way',
  },
  {
    defence: 'No redirects followed by OAuth requests',
    test: `${UNIT}/oauth/http-client-boundaries.test.ts`,
    title: 'hands a 302 back as it is, and its target is never requested',
    source: 'src/oauth/http-client.ts',
    weakening: "`redirect: 'follow'` by default",
  },
  {
    defence: 'A 0600 token file: every group and other bit refused',
    test: `${UNIT}/store/file/secure-file-boundaries.test.ts`,
    title: 'refuses mode %s with the chmod fix, leaving the file as it was',
    source: 'src/store/file/secure-file.ts',
    weakening: 'mode mask `0o007` (group bits ignored) or `0o066` (execute bits ignored)',
  },
  {
    defence: 'A directory others can write refused',
    test: `${UNIT}/store/file/secure-file-boundaries.test.ts`,
    title: 'refuses a directory of mode %s, writing nothing and leaving the file as it was',
    source: 'src/store/file/secure-file.ts',
    weakening: 'directory mask `0o002` (group write ignored)',
  },
  {
    defence: 'Token files over 1 MiB refused unread',
    test: `${UNIT}/store/file/secure-file-boundaries.test.ts`,
    title: 'refuses a file one byte over the limit, unread and left as it was',
    source: 'src/store/file/secure-file.ts',
    weakening: 'the limit off by one either way (`> limit + 1`, `>= limit`)',
  },
  {
    defence: 'Orphaned temporary files removed by age (10 min)',
    test: `${UNIT}/store/file/secure-file-boundaries.test.ts`,
    title: 'removes one older than the age and keeps one younger, whoever wrote them',
    source: 'src/store/file/secure-file.ts',
    weakening: 'the age halved',
  },
  {
    defence: 'The file lease released by its owner only',
    test: `${UNIT}/store/file/file-lock-boundaries.test.ts`,
    title: 'a holder whose lock was taken over leaves its successor’s lock in place on release',
    source: 'src/store/file/file-lock.ts',
    weakening: '`Lease.release` without the owner check after its rename',
  },
  {
    defence: 'A file lease taken over only once its holder’s lease lapsed',
    test: `${UNIT}/store/file/file-lock-boundaries.test.ts`,
    title: 'waits for a lock renewed within its holder’s lease, and never takes it over',
    source: 'src/store/file/file-lock.ts',
    weakening: 'staleness judged by half the lease (and by twice it: the next test)',
  },
  {
    defence: 'Redis: the compare-and-swap decided inside the Lua script',
    test: 'test/integration/store/redis-boundaries.test.ts',
    title:
      'refuses a write when another version landed between its read of the version and its script',
    source: 'src/store/redis/redis-scripts.ts',
    weakening: 'the script’s compare removed (the caller’s own read trusted), or reduced to `rev`',
  },
  {
    defence: 'Redis: the lease released by its owner only',
    test: 'test/integration/store/redis-boundaries.test.ts',
    title: 'is released by its owner only',
    source: 'src/store/redis/redis-scripts.ts',
    weakening: '`RELEASE_LEASE` deletes without comparing the owner',
  },
  {
    defence: 'Redis: the lease always expires',
    test: 'test/integration/store/redis-boundaries.test.ts',
    title: 'is taken with a TTL no longer than asked',
    source: 'src/store/redis/redis-scripts.ts',
    weakening: '`SET … NX` without `PX`',
  },
  {
    defence: 'Redis: a `rediss://` server’s certificate verified',
    test: 'test/integration/store/redis-boundaries.test.ts',
    title: 'refuses a server whose certificate no trusted CA signed',
    source: 'src/store/redis/redis-connection.ts',
    weakening:
      '`rejectUnauthorized: false`; also `rediss://` taken as plain (redis-store-config.ts)',
  },
  {
    defence: 'Keychain: the head written only after the fence',
    test: `${UNIT}/store/keychain/keychain-store-boundaries.test.ts`,
    title: 'a holder that lost its lock while writing the parts never writes the head',
    source: 'src/store/keychain/keychain-store.ts',
    weakening:
      'no `lock.confirm()` before the head (and, in the next two tests, none at the start or before a logout’s deletes)',
  },
  {
    defence: 'Keychain: parts a killed writer left removed',
    test: `${UNIT}/store/keychain/keychain-store-boundaries.test.ts`,
    title: 'the next login removes every one of them, keeping only its own entries',
    source: 'src/store/keychain/keychain-store.ts',
    weakening: '`#removeAbandonedWrite` not called, or leaving the last part',
  },
  {
    defence: 'Keychain: a record read whole or not at all',
    test: `${UNIT}/store/keychain/keychain-store-boundaries.test.ts`,
    title: 'refuses a record with %s as STORAGE_CORRUPT, leaving it in place',
    source: 'src/store/keychain/keychain-record.ts',
    weakening: '`joinRecord` without the digest comparison',
  },
  {
    defence: 'Keychain: no Secret Service without a session bus (never the kernel keyring)',
    test: `${UNIT}/store/keychain/keychain-store-boundaries.test.ts`,
    title: 'on Linux, a DBUS_SESSION_BUS_ADDRESS %s means the keychain is unreachable',
    source: 'src/store/keychain/keychain-selection.ts',
    weakening: 'only an unset address counts (`=== undefined`): an empty one is taken as a bus',
  },
  {
    defence: 'Keychain calls on a worker thread: a frozen daemon never stalls the event loop',
    test: 'test/integration/store/keychain-secret-service.test.ts',
    title:
      'with a frozen daemon, every call ends with STORE_UNAVAILABLE and the event loop keeps turning',
    source: 'src/store/keychain/keychain-access.ts',
    weakening: 'the native calls made on the main thread',
  },
];

/**
 * The report's section on the defences' boundary tests.
 *
 * @param boundaries - Usually {@link DEFENCE_BOUNDARIES}.
 */
export function renderDefenceBoundaries(boundaries: readonly DefenceBoundary[]): string[] {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    "## The defences' boundary tests",
    '',
    'Stryker removes a defence; a developer’s mistake more often weakens it. Each test',
    'below asserts a defence’s exact edge, and was shown to fail with the weakening',
    'beside it applied to the source by hand (then reverted): listed in',
    '`mutation/defence-boundaries.ts`.',
    '',
    '| defence | test | weakening it catches |',
    '|---|---|---|',
    ...boundaries.map(
      (b) =>
        `| ${cell(b.defence)} | \`${b.test}\` › "${cell(b.title)}" | \`${b.source}\`: ${cell(b.weakening)} |`,
    ),
    '',
  ];
}
