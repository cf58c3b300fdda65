// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.build.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/errors/redact.ts', 'src/oauth/pasted-response.ts'],
  concurrency: 2,
  incremental: true,
  incrementalFile: 'mutation/stryker-incremental.json',
  ignorePatterns: [
    'dist',
    'docs',
    '.tools-build',
    'coverage',
    'bench',
    'sandbox',
    'examples',
    '*.tgz',
  ],
  tempDirName: '.stryker-tmp',
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
};
