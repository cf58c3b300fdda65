import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/store/file/file-credential-store.ts`. */
export const fileCredentialStoreNotes: readonly MutantNote[] = [
  // The fence right before the rename: a record changed behind the lock, or a lease lost, refuses the write.
  ...killedBy(
    'src/store/file/file-credential-store.ts',
    'test/unit/store/file/file-credential-store.test.ts',
    [
      ['ConditionalExpression', '(await this.#current()).revision !== expected', 'false'],
      [
        'LogicalOperator',
        '!(await lock.confirm()) || (await this.#current()).revision !== expected',
        '!(await lock.confirm()) && (await this.#current()).revision !== expected',
      ],
    ],
  ),
];
