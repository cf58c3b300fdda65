import { killedBy, type MutantNote, notesOn } from '../mutant-note.js';

const CHILD_ENVIRONMENT = 'src/credentials/child-environment.ts';
const note = notesOn(CHILD_ENVIRONMENT);

/** Why dropping either anchor of the IPv6-bracket pattern changes nothing. */
const BRACKETS_ONLY_AROUND_IPV6 =
  "The pattern runs on a WHATWG URL's hostname, where `[` and `]` are forbidden host code points except as the brackets around an IPv6 literal: a hostname is either `[…]` whole or has no bracket (`http://x[::1]/` and `http://[::1]x/` do not parse). So an unanchored match strips the same brackets, and the test listing `[::1]` and `::1` passes under both.";

/** Why blanking a phrase of the hand-over refusal removes no defence. */
const HAND_OVER_WORDING =
  'A phrase of the message that refuses a hand-over to another destination: the refusal itself (API_AUTH_FAILED, no variables handed over, the query ended) and the destinations it names are asserted by test/e2e/query/hand-over-destination.test.ts; with the phrase blanked the credential still goes nowhere new, only the sentence reads worse.';

/** Notes on the surviving mutants of `src/credentials/child-environment.ts`. */
export const childEnvironmentNotes: readonly MutantNote[] = [
  // Spaces and blanks of an inherited NO_PROXY: not listing the loopback host twice.
  ...killedBy(CHILD_ENVIRONMENT, 'test/unit/credentials/child-environment.test.ts', [
    ['MethodExpression', 'entry.trim()', 'entry'],
  ]),
  {
    file: CHILD_ENVIRONMENT,
    mutator: 'Regex',
    original: String.raw`/^\[(.*)\]$/`,
    replacement: String.raw`/\[(.*)\]$/`,
    verdict: 'equivalent',
    reason: BRACKETS_ONLY_AROUND_IPV6,
  },
  {
    file: CHILD_ENVIRONMENT,
    mutator: 'Regex',
    original: String.raw`/^\[(.*)\]$/`,
    replacement: String.raw`/^\[(.*)\]/`,
    verdict: 'equivalent',
    reason: BRACKETS_ONLY_AROUND_IPV6,
  },
  note('StringLiteral', `"Anthropic's API"`, '""', 'not a defence', HAND_OVER_WORDING),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal
  note('StringLiteral', '`profile "${next.profile}"`', '``', 'not a defence', HAND_OVER_WORDING),
  note('StringLiteral', "'the credential'", '""', 'not a defence', HAND_OVER_WORDING),
];
