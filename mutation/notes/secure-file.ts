import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/storage/secure-file.ts`. */
export const secureFileNotes: readonly MutantNote[] = [];
