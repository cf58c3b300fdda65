/**
 * What the report says about a mutant that survived a run: either the test
 * written to kill it (the report then shows the test Stryker saw kill it), or
 * why it is not a removed defence.
 */
export interface MutantNote {
  /** The mutated file, from the project root. */
  readonly file: string;
  /** Stryker's mutator name, e.g. `ConditionalExpression`. */
  readonly mutator: string;
  /** The source text the mutant replaces, whitespace runs collapsed to one space. */
  readonly original: string;
  /** Stryker's replacement text, whitespace runs collapsed to one space. */
  readonly replacement: string;
  /**
   * `killed`: a test added for it kills it now (`reason` names that test);
   * `equivalent`: no input can tell the mutant from the original;
   * `not a defence`: it changes behaviour no security property depends on.
   */
  readonly verdict: 'killed' | 'equivalent' | 'not a defence';
  /** One or two sentences a reviewer can check against the code. */
  readonly reason: string;
}

/** Notes for mutants of `file` that `test` was written to kill: [mutator, original, replacement]. */
function killedBy(
  file: string,
  test: string,
  mutants: readonly (readonly [string, string, string])[],
): MutantNote[] {
  return mutants.map(([mutator, original, replacement]) => ({
    file,
    mutator,
    original,
    replacement,
    verdict: 'killed',
    reason: test,
  }));
}

/**
 * Notes on the mutants that survived a full run, matched by file, mutator,
 * original and replacement (not by line, so they survive edits elsewhere in
 * the file). A survivor without a note is printed as "no reason written".
 */
export const MUTANT_NOTES: readonly MutantNote[] = [
  // src/errors/redact.ts
  ...killedBy('src/errors/redact.ts', 'test/unit/errors/redact-whole-secret.test.ts', [
    [
      'Regex',
      String.raw`/\b(eyJ)[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g`,
      String.raw`/\b(eyJ)[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]/g`,
    ],
    [
      'Regex',
      String.raw`/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi`,
      String.raw`/\b(Bearer\s)[A-Za-z0-9._~+/=-]{8,}/gi`,
    ],
    [
      'Regex',
      String.raw`/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi`,
      String.raw`/\b(Bearer\s+)[A-Za-z0-9._~+/=-]/gi`,
    ],
    [
      'Regex',
      String.raw`/((?<![A-Za-z_])(?:access_token|refresh_token|id_token|client_secret|code_verifier|accessToken|refreshToken|idToken|clientSecret)["']?\s*[=:]\s*["']?)[^"'&\s,}]{4,}/g`,
      String.raw`/((?<![A-Za-z_])(?:access_token|refresh_token|id_token|client_secret|code_verifier|accessToken|refreshToken|idToken|clientSecret)["']?\S*[=:]\s*["']?)[^"'&\s,}]{4,}/g`,
    ],
    [
      'Regex',
      String.raw`/((?<![A-Za-z_])(?:code|device_code)=)[^&\s"']{4,}/g`,
      String.raw`/((?<![A-Za-z_])(?:code|device_code)=)[^&\s"']/g`,
    ],
    ['ConditionalExpression', 'secret.length >= 8', 'true'],
    ['EqualityOperator', 'secret.length >= 8', 'secret.length > 8'],
  ]),
  {
    file: 'src/errors/redact.ts',
    mutator: 'StringLiteral',
    original: "'[REDACTED]'",
    replacement: '""',
    verdict: 'not a defence',
    reason:
      'The secret is removed either way; the marker only tells a reader that something was. Killed anyway by the exact outputs in test/unit/errors/redact-whole-secret.test.ts.',
  },
  {
    file: 'src/errors/redact.ts',
    mutator: 'ArrayDeclaration',
    original: '[]',
    replacement: '["Stryker was here"]',
    verdict: 'not a defence',
    reason:
      'The default list of known secrets gains one harmless phrase: more text redacted, never less.',
  },
  // src/oauth/pasted-response.ts
  ...killedBy('src/oauth/pasted-response.ts', 'test/unit/oauth/pasted-response-state.test.ts', [
    ['Regex', '/^[A-Za-z0-9._~+/=-]{4,2048}$/', '/[A-Za-z0-9._~+/=-]{4,2048}$/'],
    ['Regex', '/^[A-Za-z0-9._~+/=-]{4,2048}$/', '/^[A-Za-z0-9._~+/=-]{4,2048}/'],
    ['Regex', String.raw`/^https?:\/\//i`, String.raw`/https?:\/\//i`],
    ['ConditionalExpression', 'rest.length > 0', 'false'],
    ['ConditionalExpression', 'state !== undefined && state !== expectedState', 'false'],
  ]),
  ...killedBy('src/refresh/refresh-policy.ts', 'test/unit/refresh/refresh-policy-bounds.test.ts', [
    ['ArithmeticOperator', '30 * 86_400_000', '30 / 86_400_000'],
    ['ArithmeticOperator', '2 ** 31 - 1', '2 ** 31 + 1'],
  ]),
  ...killedBy(
    'src/oauth/loopback-listener.ts',
    'test/unit/oauth/loopback-listener-callbacks.test.ts',
    [
      ['StringLiteral', "'text/html; charset=utf-8'", '""'],
      ['StringLiteral', "'nosniff'", '""'],
    ],
  ),
  {
    file: 'src/oauth/pasted-response.ts',
    mutator: 'ConditionalExpression',
    original: "text === ''",
    replacement: 'false',
    verdict: 'equivalent',
    reason:
      'An empty line then falls through to the bare-code check, which refuses it (a code has at least 4 characters).',
  },
  {
    file: 'src/oauth/pasted-response.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    verdict: 'equivalent',
    reason:
      'Line 18: the empty line falls through to the bare-code check, which refuses it; the phrase itself is refused there too (spaces). Line 30: `split` always yields a first element, so the default is never used.',
  },
];
