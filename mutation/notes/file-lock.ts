import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/store/file/file-lock.ts`. */
export const fileLockNotes: readonly MutantNote[] = [
  ...killedBy('src/store/file/file-lock.ts', 'test/unit/store/file/file-lock.test.ts', [
    // Lease.confirm: a lease whose record names another holder, or once lost, never confirms
    // (both `return false` there mutate to the same key).
    ['BooleanLiteral', 'false', 'true'],
    ['ConditionalExpression', 'this.#lost', 'false'],
  ]),
];
