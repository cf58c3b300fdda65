import { killedBy, type MutantNote } from '../mutant-note.js';

const FILE = 'src/refresh/token-manager.ts';

/** Notes on the surviving mutants of `src/refresh/token-manager.ts`. */
export const tokenManagerNotes: readonly MutantNote[] = [
  ...killedBy(FILE, 'test/unit/refresh/token-manager-request.test.ts', [
    ['ConditionalExpression', 'tx.leaseRemainingMs() < this.#requestTimeoutMs', 'false'],
    [
      'EqualityOperator',
      'tx.leaseRemainingMs() < this.#requestTimeoutMs',
      'tx.leaseRemainingMs() <= this.#requestTimeoutMs',
    ],
    ['ObjectLiteral', '{ signal: AbortSignal.timeout(this.#requestTimeoutMs) }', '{}'],
    ['ConditionalExpression', 'next.account === undefined', 'true'],
    ['ConditionalExpression', 'next.provider === undefined', 'true'],
    ['EqualityOperator', 'next.provider === undefined', 'next.provider !== undefined'],
    ['ObjectLiteral', '{ provider: current.provider }', '{}'],
  ]),
  ...(
    [
      ["'it has expired and cannot be refreshed'", 'REAUTH_REQUIRED'],
      ["'it cannot be refreshed'", 'REAUTH_REQUIRED'],
      ["'before the refresh could start'", 'STORAGE_LOCK_TIMEOUT'],
    ] as const
  ).map(
    ([original, code]): MutantNote => ({
      file: FILE,
      mutator: 'StringLiteral',
      original,
      replacement: '""',
      verdict: 'not a defence',
      reason: `Blanks only the clause saying why, inside the message of the ${code} error; its code and its fix (the login command, or retry) are unchanged and asserted by the token-manager tests.`,
    }),
  ),
];
