import { killedBy, type MutantNote } from '../mutant-note.js';

const RESOLVED_CREDENTIAL = 'src/credentials/resolved-credential.ts';

/** Notes on the surviving mutants of `src/credentials/resolved-credential.ts`. */
export const resolvedCredentialNotes: readonly MutantNote[] = [
  ...killedBy(RESOLVED_CREDENTIAL, 'test/unit/credentials/resolved-credential.test.ts', [
    // toEnv: without its case an API key falls through to CLAUDE_CODE_OAUTH_TOKEN (sent as an OAuth token).
    [
      'ConditionalExpression',
      "case 'api-key': return { ANTHROPIC_API_KEY: secret };",
      "case 'api-key':",
    ],
    ['ObjectLiteral', '{ ANTHROPIC_API_KEY: secret }', '{}'],
    // credentialFromHeaders: a bearer with the OAuth beta flag read as a bare bearer would follow an
    // inherited ANTHROPIC_BASE_URL, where a subscription token must never go.
    ['StringLiteral', "'anthropic-beta'", '""'],
    ['StringLiteral', "','", '""'],
    ['MethodExpression', 's.trim()', 's'],
  ]),
  {
    file: RESOLVED_CREDENTIAL,
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    verdict: 'not a defence',
    reason:
      "Two mutants share this text. In credentialFromHeaders (`lower['anthropic-beta'] ?? ''`) the placeholder split on commas is never the OAuth beta flag, so absent betas still mean no subscription (equivalent). In toEnv (`this.#secret ?? ''`) it is reached only by a credential built without its secret, which claude-auth does only for Claude Code's own login, whose toEnv returns `{}` without reading it; a caller-built secret-less credential gets an empty or a placeholder value, neither carrying a secret.",
  },
];
