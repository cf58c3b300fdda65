import { type MutantNote, notesOn } from '../mutant-note.js';

const note = notesOn('src/store/keychain/keychain-store.ts');

// A read that finds parts not matching the head retries while the head keeps
// changing (a writer replaced the record meanwhile), a few times at most, and
// refuses a record whose head stays the same (keychain-store-boundaries.test.ts:
// a part missing or changed is STORAGE_CORRUPT). How often it retries decides
// only how soon a reader racing a writer gives up: availability, not a defence.
const RETRIES =
  'Changes only how many times a read racing a writer retries before STORAGE_CORRUPT; a record that stays broken is still refused, never read.';
// Kept aside before an unreadable record is replaced, as the file store keeps a copy.
const KEPT_ASIDE =
  'Only decides whether, and under which name, a copy of an unreadable head is kept aside; no credential is read, written elsewhere or lost by it.';

/** Notes on the surviving mutants of `src/store/keychain/keychain-store.ts`. */
export const keychainStoreNotes: readonly MutantNote[] = [
  note('AssignmentOperator', 'attempt += 1', 'attempt -= 1', 'not a defence', RETRIES),
  note(
    'StringLiteral',
    "'its first entry is not a claude-auth record'",
    '""',
    'not a defence',
    'The wording of a refused head; its code STORAGE_CORRUPT and the entry left untouched stay asserted.',
  ),
  note(
    'ConditionalExpression',
    'again === value || attempt >= TORN_READ_RETRIES',
    'true',
    'not a defence',
    'A read racing a writer gives up at once instead of retrying: STORAGE_CORRUPT sooner, nothing read.',
  ),
  note(
    'LogicalOperator',
    'again === value || attempt >= TORN_READ_RETRIES',
    'again === value && attempt >= TORN_READ_RETRIES',
    'not a defence',
    RETRIES,
  ),
  note('ConditionalExpression', 'again === value', 'false', 'not a defence', RETRIES),
  note('EqualityOperator', 'again === value', 'again !== value', 'not a defence', RETRIES),
  note('ConditionalExpression', 'attempt >= TORN_READ_RETRIES', 'false', 'not a defence', RETRIES),
  note(
    'EqualityOperator',
    'attempt >= TORN_READ_RETRIES',
    'attempt > TORN_READ_RETRIES',
    'not a defence',
    RETRIES,
  ),
  note(
    'EqualityOperator',
    'attempt >= TORN_READ_RETRIES',
    'attempt < TORN_READ_RETRIES',
    'not a defence',
    RETRIES,
  ),
  note(
    'StringLiteral',
    "'its parts are missing or do not match'",
    '""',
    'not a defence',
    'The wording of a refused record; its code STORAGE_CORRUPT stays asserted.',
  ),
  note(
    'ConditionalExpression',
    'current.value !== null',
    'true',
    'equivalent',
    'With no head there is nothing to read (#readable of no head is false, and the copy needs a value), so nothing differs.',
  ),
  note('ConditionalExpression', 'next !== null', 'true', 'not a defence', KEPT_ASIDE),
  note('Regex', '/[:.]/g', '/[^:.]/g', 'not a defence', KEPT_ASIDE),
  note('StringLiteral', "'-'", '""', 'not a defence', KEPT_ASIDE),
  note(
    'EqualityOperator',
    'index < pending.entries',
    'index <= pending.entries',
    'equivalent',
    'Also deletes a part numbered past the record’s last, which no write ever creates: deleting nothing.',
  ),
  note(
    'EqualityOperator',
    'index < head.entries',
    'index <= head.entries',
    'equivalent',
    'Also deletes a part numbered past the record’s last, which no write ever creates: deleting nothing.',
  ),
];
