import { type MutantNote, notesOn } from '../mutant-note.js';

const note = notesOn('src/store/keychain/keychain-record.ts');

// What decides whether parts make a record is the digest in the head: joinRecord
// returns a record only when the parts joined hash to it (the digest comparison
// itself is killed by keychain-store-boundaries.test.ts). Every check before it
// only refuses early what the digest refuses anyway.
const BY_DIGEST =
  'A head or parts this check lets through still fail the digest comparison in joinRecord, so the read is STORAGE_CORRUPT either way (only which message).';

/** Notes on the surviving mutants of `src/store/keychain/keychain-record.ts`. */
export const keychainRecordNotes: readonly MutantNote[] = [
  note('ConditionalExpression', 'newline < 0', 'false', 'not a defence', BY_DIGEST),
  note(
    'EqualityOperator',
    'newline < 0',
    'newline <= 0',
    'equivalent',
    'A value starting with a newline has an empty first line, refused by the field checks that follow.',
  ),
  note('ConditionalExpression', 'fields.length !== 4', 'false', 'not a defence', BY_DIGEST),
  note(
    'ConditionalExpression',
    'entries < 1',
    'false',
    'equivalent',
    'A head claiming no entries reads no parts, and joinRecord then refuses the count.',
  ),
  note(
    'ConditionalExpression',
    'parts.length !== head.entries - 1 || parts.some((part) => part === null)',
    'false',
    'not a defence',
    BY_DIGEST,
  ),
  note(
    'LogicalOperator',
    'parts.length !== head.entries - 1 || parts.some((part) => part === null)',
    'parts.length !== head.entries - 1 && parts.some(part => part === null)',
    'not a defence',
    BY_DIGEST,
  ),
  note(
    'ConditionalExpression',
    'parts.length !== head.entries - 1',
    'false',
    'equivalent',
    'The store always reads exactly entries − 1 parts for a head, so the count always matches.',
  ),
  note(
    'ArrowFunction',
    '(part) => part === null',
    '() => undefined',
    'not a defence',
    'A missing part joins as the text "null", which fails the digest: STORAGE_CORRUPT either way.',
  ),
  note(
    'ConditionalExpression',
    'part === null',
    'false',
    'not a defence',
    'A missing part joins as the text "null", which fails the digest: STORAGE_CORRUPT either way.',
  ),
];
