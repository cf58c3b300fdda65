import { type MutantNote, notesOn } from '../mutant-note.js';

const FILE = 'src/store/redis/redis-credential-store.ts';

const note = notesOn(FILE);

/**
 * Notes on the surviving mutants of `src/store/redis/redis-credential-store.ts`. The
 * compare-and-swap is decided by the Lua script (test/integration/store/redis-boundaries.test.ts
 * weakens the script by hand); what survives here is wording, the copy kept
 * aside before a logout, and the unused fields of a delete.
 */
export const redisCredentialStoreNotes: readonly MutantNote[] = [
  note(
    'StringLiteral',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated source text, a template literal.
    '`The credential at ${where} is incomplete. It has been left untouched.`',
    '``',
    'not a defence',
    'The message of an incomplete record blanked; its code STORAGE_CORRUPT and the record left untouched stay asserted.',
  ),
  note(
    'ObjectLiteral',
    "{ fix: 'run `claude-auth login` to replace it (the unreadable record is kept aside)' }",
    '{}',
    'not a defence',
    'The fix of an incomplete record dropped; the refusal itself (STORAGE_CORRUPT, nothing read) stays.',
  ),
  note(
    'StringLiteral',
    "'run `claude-auth login` to replace it (the unreadable record is kept aside)'",
    '""',
    'not a defence',
    'As above: the fix’s wording.',
  ),
  note(
    'ConditionalExpression',
    'next !== null && raw.rev !== null',
    'true',
    'not a defence',
    'With no record #open returns null and nothing is kept aside; a logout then also keeps an unreadable record aside, or refuses one sealed with another key — which records a logout may remove is availability (issue 19 #9 changes it), never a credential exposed.',
  ),
  note(
    'LogicalOperator',
    'next !== null && raw.rev !== null',
    'next !== null || raw.rev !== null',
    'not a defence',
    'As above: only whether a logout keeps a copy of an unreadable record aside first.',
  ),
  note(
    'ConditionalExpression',
    'next !== null',
    'true',
    'not a defence',
    'As above: only whether a logout keeps a copy of an unreadable record aside first.',
  ),
  note(
    'ConditionalExpression',
    'raw.rev !== null',
    'true',
    'equivalent',
    'With no record (rev null) #open returns null without throwing: nothing is kept aside either way.',
  ),
  note(
    'StringLiteral',
    "''",
    '"Stryker was here!"',
    'equivalent',
    'The key id and sealed text of a delete: the script’s `del` branch never reads ARGV[4] and ARGV[5].',
  ),
];
