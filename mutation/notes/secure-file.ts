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
    // The synchronous read closes its descriptor too (counted in /proc/self/fd).
    ['BlockStatement', '{ closeSync(fd); }', '{}'],
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
  // The checks shared by both reads since issue 23 (assertPrivateFile, the refusals of a
  // link): what survives is wording, or a test only Windows could make.
  ...(
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
      ['`remove ${shownPath} and log in again`', 'a file of another user'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
      ['`remove the link ${path}`', 'a link to a missing file, or into a file of another user'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
      ['`move ${realPath} aside, then run \\`claude-auth login\\``', 'an oversized file'],
      ["'inspect'", 'a path that cannot be inspected (STORAGE_IO)'],
    ] as const
  ).map(
    ([original, refusal]): MutantNote => ({
      file: SECURE_FILE,
      mutator: 'StringLiteral',
      original,
      replacement: original.startsWith("'") ? '""' : '``',
      verdict: 'not a defence',
      reason: `Blanks only words of the refusal of ${refusal}: its code (and that the file is left as it was, and nothing read) are unchanged and asserted by the secure-file tests.`,
    }),
  ),
  {
    file: SECURE_FILE,
    mutator: 'ObjectLiteral',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
    original: '{ fix: `move ${realPath} aside, then run \\`claude-auth login\\`` }',
    replacement: '{}',
    verdict: 'not a defence',
    reason:
      'Drops the fix of the oversized-file refusal: still STORAGE_CORRUPT, still unread and left as it was (secure-file-boundaries asserts both).',
  },
  ...(
    [
      ['ConditionalExpression', 'uid !== undefined', 'true'],
      ['ConditionalExpression', 'env.posixModes && uid !== undefined', 'true'],
      [
        'LogicalOperator',
        'env.posixModes && uid !== undefined',
        'env.posixModes || uid !== undefined',
      ],
    ] as const
  ).map(
    ([mutator, original, replacement]): MutantNote => ({
      file: SECURE_FILE,
      mutator,
      original,
      replacement,
      verdict: 'equivalent',
      reason:
        'Where POSIX modes are checked (every platform but Windows) `process.getuid` exists, so the uid is always defined and the owner check runs as before; only on Windows could the mutant differ, where it would refuse more (every link, owned by uid 0 there), never less.',
    }),
  ),
];
