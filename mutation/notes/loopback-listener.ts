import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/loopback-listener.ts`. */
export const loopbackListenerNotes: readonly MutantNote[] = [
  ...killedBy(
    'src/oauth/loopback-listener.ts',
    'test/unit/oauth/loopback-listener-callbacks.test.ts',
    [
      ['StringLiteral', "'text/html; charset=utf-8'", '""'],
      ['StringLiteral', "'nosniff'", '""'],
    ],
  ),
];
