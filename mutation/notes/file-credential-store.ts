import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/store/file-credential-store.ts`. */
export const fileCredentialStoreNotes: readonly MutantNote[] = [];
