import { killedBy, type MutantNote } from '../mutant-note.js';

const SECURE_FILE = 'src/store/file/secure-file.ts';

/** Notes on the surviving mutants of `src/store/file/secure-file.ts`. */
export const secureFileNotes: readonly MutantNote[] = [
  ...killedBy(SECURE_FILE, 'test/unit/store/file/secure-file.test.ts', [
    // The read path's open: a file removed meanwhile is absent, a link swapped in is refused.
    ['ConditionalExpression', "code === 'ENOENT'", 'false'],
    ['ConditionalExpression', "code === 'ENOENT'", 'true'],
    ['StringLiteral', "'ENOENT'", '""'],
    ['ConditionalExpression', "code === 'ELOOP'", 'false'],
    ['ConditionalExpression', "code === 'ELOOP'", 'true'],
    ['EqualityOperator', "code === 'ELOOP'", "code !== 'ELOOP'"],
    ['StringLiteral', "'ELOOP'", '""'],
    ['StringLiteral', "'it changed into a symbolic link while being read'", '""'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
    ['StringLiteral', '`remove ${path}`', '``'],
    ['StringLiteral', "'open'", '""'],
    // The read itself: a failure is a typed STORAGE_IO, and the handle is closed whatever happens.
    ['ConditionalExpression', 'error instanceof AuthenticationError', 'true'],
    ['StringLiteral', "'read'", '""'],
    ['BlockStatement', '{ await handle.close(); }', '{}'],
    // The write path: after the rename the temporary name is not ours to remove.
    ['BooleanLiteral', 'false', 'true'],
    ['StringLiteral', "'write'", '""'],
  ]),
  {
    file: SECURE_FILE,
    mutator: 'AssignmentOperator',
    original: 'temporaryCounter += 1',
    replacement: 'temporaryCounter -= 1',
    verdict: 'equivalent',
    reason:
      'A counter counting down from 0 gives each write of the process a distinct value just as one counting up does, so temporary names stay unique (O_EXCL still refuses any collision); the orphan sweep matches them by prefix and `.tmp` suffix, which a minus sign does not change. The test of concurrent writes within one millisecond checks that uniqueness and passes under both.',
  },
];
