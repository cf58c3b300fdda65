// @ts-check
// The second pass of `npm run test:mutation`: the defences held in module-level
// constants (secret patterns, endpoint fields checked, page headers, the
// credential variables removed, size limits, policy windows). Their mutants are
// static — Stryker cannot see which test covers them and runs every test that
// imports the module — so this pass runs a narrow set of direct tests instead
// of the whole mutation set.
import base, { DEFENCES } from '../stryker.config.mjs';
import { staticRanges } from './defence-ranges.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'mutation/vitest.static.config.ts' },
  mutate: Object.entries(DEFENCES).flatMap(([file, names]) => staticRanges(file, names)),
  ignoreStatic: false,
  // Stryker's incremental mode never re-tests a surviving static mutant against a
  // new test, so this small pass always runs in full.
  incremental: false,
  jsonReporter: { fileName: 'reports/mutation/mutation.static.json' },
};
