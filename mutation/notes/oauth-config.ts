import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/oauth/oauth-config.ts`. */
export const oauthConfigNotes: readonly MutantNote[] = [
  ...killedBy('src/oauth/oauth-config.ts', 'test/unit/oauth/oauth-config.test.ts', [
    // endpointUrl: CONFIG_INVALID says what is wrong, and echoes at most 200 characters of the value.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
    ['StringLiteral', '`is not a URL: "${value.slice(0, 200)}"`', '``'],
    ['MethodExpression', 'value.slice(0, 200)', 'value'],
    [
      'StringLiteral',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
      '`must use https (http is allowed only for localhost): "${url.origin}"`',
      '``',
    ],
    ['StringLiteral', "'must not contain a fragment'", '""'],
    // redirectUrl: only loopback http, with no query or fragment (RFC 8252 §7.3), naming redirectUri.
    ['StringLiteral', "'redirectUri'", '""'],
    ['ConditionalExpression', "url.protocol !== 'http:'", 'false'],
    [
      'StringLiteral',
      "'must be a loopback http URL such as http://localhost:8089/callback (RFC 8252 §7.3)'",
      '""',
    ],
    ['StringLiteral', "'must not contain a query or fragment'", '""'],
  ]),
];
