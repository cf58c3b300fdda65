import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/loopback.ts`. */
export const loopbackNotes: readonly MutantNote[] = [
  ...killedBy('src/oauth/loopback.ts', 'test/unit/oauth/loopback.test.ts', [
    ['ConditionalExpression', "host === '::1'", 'false'],
    ['StringLiteral', "'::1'", '""'],
    ['ConditionalExpression', "url.protocol === 'http:'", 'true'],
  ]),
];
