import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/oauth-flow.ts`. */
export const oauthFlowNotes: readonly MutantNote[] = [
  // #exchange: the authorization code (the `code` response parameter, RFC 6749 §4.1.2) is one of
  // the secrets redacted from a token endpoint's error, and the error names that endpoint.
  ...killedBy('src/oauth/oauth-flow.ts', 'test/unit/oauth/rfc9700-defences.test.ts', [
    ['StringLiteral', "'code'", '""'],
    ['StringLiteral', "'the token endpoint'", '""'],
  ]),
  // #exchange: an issuer is learnt from `iss` only when nobody named one; a discovered or
  // pinned issuer is never replaced by a response's `iss` on the authorization endpoint's
  // origin (RFC 9207 mix-up defence). Survived the first full run after the incremental ones.
  ...killedBy('src/oauth/oauth-flow.ts', 'test/unit/oauth/oauth-flow-issuer.test.ts', [
    ['ConditionalExpression', "endpoints.issuer === 'unknown'", 'true'],
  ]),
];
