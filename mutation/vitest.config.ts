import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: the fast unit and in-process
 * integration tests of the security-critical modules, and the store
 * conformance suite of the file and Redis stores (the Redis tests start a real
 * redis-server). The keychain store runs against its in-memory keychain
 * (test/unit/store/keychain): the real Secret Service cannot be reached from
 * Stryker's worker threads, where `process.env` is a copy the native library
 * never reads, and the module that talks to it (keychain-access.ts) is not
 * mutated. No browser, no Claude Code binary, no child processes
 * (the sandbox has no `dist/`, and multi-process tests are too slow per
 * mutant): those stay in `npm test`. Stryker runs, per mutant, only the tests
 * that cover it, in a worker thread (its vitest runner forces `pool: 'threads'`).
 *
 * The fuzzing tests of the callback listener and the token endpoint
 * (test/hostile/callback-listener, token-endpoint: 6–10 s each) are left out:
 * a surviving mutant would run them in full, and each defence they exercise
 * has a direct, fast test in this set.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/{credentials,errors,login,oauth,platform,profile,query,refresh,storage,store,token}/**/*.test.ts',
      'test/hostile/token-files.test.ts',
      'test/integration/oauth/**/*.test.ts',
      'test/conformance/{file,redis}-store.test.ts',
      'test/integration/store/redis-credential-store.test.ts',
      'test/integration/store/redis-stray-keys.test.ts',
      'test/integration/store/*-boundaries.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['mutation/thread-umask.ts', 'test/helpers/property-seed.ts'],
  },
});
