import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: the fast unit and in-process
 * integration tests of the security-critical modules. No browser, no Claude
 * Code binary, no child process of the built package (the sandbox has no
 * `dist/`): those stay in `npm test`. Stryker runs, per mutant, only the tests
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
      'test/integration/{oauth,store}/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['mutation/thread-umask.ts', 'test/helpers/property-seed.ts'],
  },
});
