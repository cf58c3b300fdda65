import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: the fast unit and in-process
 * integration tests of the security-critical modules. No browser, no Claude
 * Code binary, no child process of the built package (the sandbox has no
 * `dist/`): those stay in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/unit/errors/redact.test.ts', 'test/unit/oauth/pasted-response.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['test/helpers/property-seed.ts'],
  },
});
