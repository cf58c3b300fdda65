import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/auth/resolved-credential.ts`. */
export const resolvedCredentialNotes: readonly MutantNote[] = [];
