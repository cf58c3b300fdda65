import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/refresh/token-manager.ts`. */
export const tokenManagerNotes: readonly MutantNote[] = [];
