import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/oauth-config.ts`. */
export const oauthConfigNotes: readonly MutantNote[] = [];
