import { killedBy, type MutantNote } from '../mutant-note.js';

/** Notes on the surviving mutants of `src/errors/redact.ts`. */
export const redactNotes: readonly MutantNote[] = [
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
      String.raw`/\b(Basic\s+)[A-Za-z0-9+/=]{8,}/gi`,
      String.raw`/\b(Basic\s)[A-Za-z0-9+/=]{8,}/gi`,
    ],
    [
      'Regex',
      String.raw`/\b(Basic\s+)[A-Za-z0-9+/=]{8,}/gi`,
      String.raw`/\b(Basic\s+)[A-Za-z0-9+/=]/gi`,
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
];
