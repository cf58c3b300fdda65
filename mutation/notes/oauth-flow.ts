import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/oauth-flow.ts`. */
export const oauthFlowNotes: readonly MutantNote[] = [
  // #exchange: the authorization code (the `code` response parameter, RFC 6749 §4.1.2) is one of
  // the secrets redacted from a token endpoint's error, and the error names that endpoint.
  ...killedBy('src/oauth/oauth-flow.ts', 'test/unit/oauth/rfc9700-defences.test.ts', [
    ['StringLiteral', "'code'", '""'],
    ['StringLiteral', "'the token endpoint'", '""'],
  ]),
];
