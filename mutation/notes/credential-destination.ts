import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/auth/credential-destination.ts`. */
export const credentialDestinationNotes: readonly MutantNote[] = [];
