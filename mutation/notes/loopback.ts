import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/loopback.ts`. */
export const loopbackNotes: readonly MutantNote[] = [];
