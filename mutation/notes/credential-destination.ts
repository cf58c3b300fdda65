import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/credentials/credential-destination.ts`. */
export const credentialDestinationNotes: readonly MutantNote[] = [
  ...killedBy(
    'src/credentials/credential-destination.ts',
    'test/unit/credentials/credential-destination.test.ts',
    [
      // assertSecureDestination: a non-http(s) scheme on loopback, and the reason each refusal names.
      ['StringLiteral', "'it is not an absolute URL'", '""'],
      ['ConditionalExpression', "parsed.protocol === 'http:'", 'true'],
      ['ConditionalExpression', "parsed.protocol === 'http:'", 'false'],
      ['EqualityOperator', "parsed.protocol === 'http:'", "parsed.protocol !== 'http:'"],
      ['StringLiteral', "'http:'", '""'],
      ['StringLiteral', "'plain http off this machine'", '""'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, quoted as it reads
      ['StringLiteral', '`scheme ${parsed.protocol}`', '``'],
      // destinationAllows / sameBaseUrl: a gateway token never to another host or path prefix,
      // an unparseable or insecure settings base URL refused.
      ['BooleanLiteral', 'false', 'true'],
      [
        'LogicalOperator',
        String.raw`left.origin === right.origin && left.pathname.replace(/\/$/, '') === right.pathname.replace(/\/$/, '')`,
        String.raw`left.origin === right.origin || left.pathname.replace(/\/$/, '') === right.pathname.replace(/\/$/, '')`,
      ],
      ['ConditionalExpression', 'left.origin === right.origin', 'true'],
      [
        'ConditionalExpression',
        String.raw`left.pathname.replace(/\/$/, '') === right.pathname.replace(/\/$/, '')`,
        'true',
      ],
      ['StringLiteral', "''", '"Stryker was here!"'],
    ],
  ),
];
