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
 * Notes on the mutants that survived a full run, matched by file, mutator,
 * original and replacement (not by line, so they survive edits elsewhere in
 * the file). A survivor without a note is printed as "no reason written".
 */
export const MUTANT_NOTES: readonly MutantNote[] = [];
