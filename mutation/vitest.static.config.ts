import { defineConfig } from 'vitest/config';

/**
 * The tests of mutation/stryker.static.config.mjs: for each module-level
 * constant that carries a defence, the unit tests of its own module. Every one
 * of them runs for each static mutant, so the set stays small.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/errors/redact*.test.ts',
      'test/unit/oauth/{loopback-listener*,pasted-response*,provider-endpoints,oauth-config}.test.ts',
      'test/unit/store/file/secure-file.test.ts',
      'test/unit/refresh/refresh-policy*.test.ts',
      'test/unit/platform/timers.test.ts',
      'test/unit/credentials/{launch,child}-environment.test.ts',
      'test/unit/credentials/{credential-destination,resolved-credential}.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['mutation/thread-umask.ts', 'test/helpers/property-seed.ts'],
  },
});
