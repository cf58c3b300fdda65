import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/query/child-environment.ts`. */
export const childEnvironmentNotes: readonly MutantNote[] = [];
