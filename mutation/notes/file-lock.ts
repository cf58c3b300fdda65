import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/storage/file-lock.ts`. */
export const fileLockNotes: readonly MutantNote[] = [];
