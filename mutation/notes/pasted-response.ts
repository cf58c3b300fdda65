import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/pasted-response.ts`. */
export const pastedResponseNotes: readonly MutantNote[] = [
  ...killedBy('src/oauth/pasted-response.ts', 'test/unit/oauth/pasted-response-state.test.ts', [
    ['Regex', '/^[A-Za-z0-9._~+/=-]{4,2048}$/', '/[A-Za-z0-9._~+/=-]{4,2048}$/'],
    ['Regex', '/^[A-Za-z0-9._~+/=-]{4,2048}$/', '/^[A-Za-z0-9._~+/=-]{4,2048}/'],
    ['Regex', String.raw`/^https?:\/\//i`, String.raw`/https?:\/\//i`],
    ['ConditionalExpression', 'rest.length > 0', 'false'],
    [
      'ConditionalExpression',
      'state !== undefined && !isExpectedState(state, expectedState)',
      'false',
    ],
  ]),
  {
    file: 'src/oauth/pasted-response.ts',
    mutator: 'ConditionalExpression',
    original: "text === ''",
    replacement: 'false',
    verdict: 'equivalent',
    reason:
      'An empty line then falls through to the bare-code check, which refuses it (a code has at least 4 characters).',
  },
  {
    file: 'src/oauth/pasted-response.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    verdict: 'equivalent',
    reason:
      "In `text === ''`: the empty line falls through to the bare-code check, which refuses it; the phrase itself is refused there too (spaces). In `const [code = '', …] = text.split('#')`: `split` always yields a first element, so the default is never used.",
  },
];
