import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: the fast unit and in-process
 * integration tests of the security-critical modules, and the store
 * conformance suite. No browser, no Claude Code binary, no child processes
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
      'test/unit/{auth,errors,oauth,query,refresh,storage,store,token}/**/*.test.ts',
      'test/hostile/token-files.test.ts',
      'test/integration/oauth/**/*.test.ts',
      'test/conformance/file-store.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['mutation/thread-umask.ts', 'test/helpers/property-seed.ts'],
  },
});
