import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/refresh/refresh-policy.ts`. */
export const refreshPolicyNotes: readonly MutantNote[] = [
  ...killedBy('src/refresh/refresh-policy.ts', 'test/unit/refresh/refresh-policy-bounds.test.ts', [
    ['ArithmeticOperator', '30 * 86_400_000', '30 / 86_400_000'],
  ]),
  ...killedBy(
    'src/refresh/refresh-policy.ts',
    'test/unit/refresh/refresh-policy-boundaries.test.ts',
    [
      ['ConditionalExpression', 'obtained > 0', 'true'],
      ['EqualityOperator', 'obtained > 0', 'obtained >= 0'],
      ['ConditionalExpression', 'obtained < expiry', 'true'],
      ['EqualityOperator', 'obtained < expiry', 'obtained <= expiry'],
      ['ArithmeticOperator', 'lifetime / 2', 'lifetime * 2'],
      ['ConditionalExpression', 'remaining <= 0', 'false'],
      ['EqualityOperator', 'remaining <= 0', 'remaining < 0'],
      ['EqualityOperator', 'remaining <= windows.mandatoryMs', 'remaining < windows.mandatoryMs'],
    ],
  ),
];
