import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/oauth-flow.ts`. */
export const oauthFlowNotes: readonly MutantNote[] = [];
