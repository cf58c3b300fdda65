/**
 * What the report says about a mutant that survived a run: either the test
 * written to kill it (the report then shows the test Stryker saw kill it), or
 * why it is not a removed defence.
 */
export interface MutantNote {
  /** The mutated file, from the project root. */
  readonly file: string;
  /** Stryker's mutator name, e.g. `ConditionalExpression`. */
  readonly mutator: string;
  /** The source text the mutant replaces, whitespace runs collapsed to one space. */
  readonly original: string;
  /** Stryker's replacement text, whitespace runs collapsed to one space. */
  readonly replacement: string;
  /**
   * `killed`: a test added for it kills it now (`reason` names that test);
   * `equivalent`: no input can tell the mutant from the original;
   * `not a defence`: it changes behaviour no security property depends on.
   */
  readonly verdict: 'killed' | 'equivalent' | 'not a defence';
  /** One or two sentences a reviewer can check against the code. */
  readonly reason: string;
}

/**
 * Notes for mutants of `file` that `test` was written to kill.
 *
 * @param file - The mutated file, from the project root.
 * @param test - The test file that kills them.
 * @param mutants - [mutator, original, replacement] of each.
 */
export function killedBy(
  file: string,
  test: string,
  mutants: readonly (readonly [string, string, string])[],
): MutantNote[] {
  return mutants.map(([mutator, original, replacement]) => ({
    file,
    mutator,
    original,
    replacement,
    verdict: 'killed',
    reason: test,
  }));
}

/**
 * A maker of notes for one file's survivors that are not killed by a test.
 *
 * @param file - The mutated file, from the project root.
 * @returns `(mutator, original, replacement, verdict, reason) => MutantNote`.
 */
export function notesOn(file: string) {
  return (
    mutator: string,
    original: string,
    replacement: string,
    verdict: Exclude<MutantNote['verdict'], 'killed'>,
    reason: string,
  ): MutantNote => ({ file, mutator, original, replacement, verdict, reason });
}
