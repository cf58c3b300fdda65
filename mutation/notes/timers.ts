import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/platform/timers.ts`. */
export const timersNotes: readonly MutantNote[] = [
  ...killedBy('src/platform/timers.ts', 'test/unit/platform/timers.test.ts', [
    ['ArithmeticOperator', '2 ** 31 - 1', '2 ** 31 + 1'],
  ]),
];
