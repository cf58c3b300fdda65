import type { MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/provider-endpoints.ts`. */
export const providerEndpointsNotes: readonly MutantNote[] = [];
