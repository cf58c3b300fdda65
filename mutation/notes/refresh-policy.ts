import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/refresh/refresh-policy.ts`. */
export const refreshPolicyNotes: readonly MutantNote[] = [
  ...killedBy('src/refresh/refresh-policy.ts', 'test/unit/refresh/refresh-policy-bounds.test.ts', [
    ['ArithmeticOperator', '30 * 86_400_000', '30 / 86_400_000'],
    ['ArithmeticOperator', '2 ** 31 - 1', '2 ** 31 + 1'],
  ]),
];
