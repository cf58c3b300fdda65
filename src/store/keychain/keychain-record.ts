// node:crypto is taken at first use (process.getBuiltinModule), not imported: the
// file store's `token` and `status` load this module but need no crypto (issue 23).

/**
 * The most characters one keychain entry holds. Windows Credential Manager caps
 * a credential blob at 2,560 bytes and the keyring library stores a password as
 * UTF-16 there, so 1,200 ASCII characters (2,400 bytes) fit on every platform.
 */
export const MAX_ENTRY_CHARS = 1200;

/** The first line of a record's head entry: format, revision, number of parts, digest. */
const HEAD_PREFIX = 'claude-auth-keychain/1';

/** A record as the keychain holds it: the head entry and the parts after it. */
export interface KeychainEntries {
  /** The head entry's value: a header line, then the record's first part. */
  readonly head: string;
  /** The further parts, in order; stored under {@link partAccount}. */
  readonly parts: readonly string[];
}

/** What a head entry says about the record it starts. */
export interface KeychainHead {
  readonly revision: string;
  /** How many entries the record spans, the head included. */
  readonly entries: number;
  /** SHA-256 (hex) of the whole record, to recognise a torn read. */
  readonly digest: string;
  /** The record's first part. */
  readonly first: string;
}

/**
 * The account name of part `index` (1-based after the head) of a revision.
 * Parts are named by revision, so writing a new revision never touches the
 * parts the current head points to: a reader sees the old record or the new
 * one, never a mix.
 */
export function partAccount(account: string, revision: string, index: number): string {
  return `${account}#${revision}#${index}`;
}

/**
 * Makes text safe to split anywhere: every character outside printable ASCII
 * becomes a JSON `\uXXXX` escape, so a record's length in characters is its
 * length in bytes, and a split never cuts a character in two. Only for JSON
 * text, where the escape means the same character.
 */
export function asciiJson(json: string): string {
  return json.replace(
    /[^\x20-\x7e\n]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** SHA-256 of a record, hex. */
function digestOf(record: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(record).digest('hex');
}

/**
 * Room kept for the head's header line, whatever its revision: the format
 * name, a revision of at most {@link MAX_REVISION_CHARS}, the entry count and
 * the digest. Fixed, so a record's entry count is known before its revision.
 */
const HEADER_ROOM = 160;
/** The longest revision a head can carry. */
export const MAX_REVISION_CHARS = 48;

/**
 * How many keychain entries a record spans, the head included.
 *
 * @param record - The serialised credential, ASCII only.
 */
export function entriesFor(record: string): number {
  const firstRoom = MAX_ENTRY_CHARS - HEADER_ROOM;
  return 1 + Math.ceil(Math.max(0, record.length - firstRoom) / MAX_ENTRY_CHARS);
}

/**
 * Splits a record (ASCII JSON, see {@link asciiJson}) into keychain entries
 * of at most {@link MAX_ENTRY_CHARS} characters each.
 *
 * @param record - The serialised credential, ASCII only.
 * @param revision - The revision it is written as: no spaces or newlines,
 *   at most {@link MAX_REVISION_CHARS} characters.
 */
export function splitRecord(record: string, revision: string): KeychainEntries {
  if (revision.length > MAX_REVISION_CHARS || /\s/.test(revision)) {
    throw new RangeError(`invalid keychain revision "${revision}"`);
  }
  const firstRoom = MAX_ENTRY_CHARS - HEADER_ROOM;
  const header = `${HEAD_PREFIX} ${revision} ${entriesFor(record)} ${digestOf(record)}\n`;
  const parts: string[] = [];
  for (let at = firstRoom; at < record.length; at += MAX_ENTRY_CHARS) {
    parts.push(record.slice(at, at + MAX_ENTRY_CHARS));
  }
  return { head: header + record.slice(0, firstRoom), parts };
}

/**
 * Reads a head entry's header.
 *
 * @returns The head, or `undefined` when the value is not a head this version wrote.
 */
export function parseHead(value: string): KeychainHead | undefined {
  const newline = value.indexOf('\n');
  if (newline < 0) return undefined;
  const fields = value.slice(0, newline).split(' ');
  const [prefix, revision, count, digest] = fields;
  if (fields.length !== 4 || prefix !== HEAD_PREFIX || !revision || !digest) return undefined;
  const entries = Number(count);
  if (!Number.isInteger(entries) || entries < 1) return undefined;
  return { revision, entries, digest, first: value.slice(newline + 1) };
}

/**
 * Joins a record from its head and parts.
 *
 * @returns The record, or `undefined` when the parts do not make the record the
 *   head describes (a part missing or from another write).
 */
export function joinRecord(
  head: KeychainHead,
  parts: readonly (string | null)[],
): string | undefined {
  if (parts.length !== head.entries - 1 || parts.some((part) => part === null)) return undefined;
  const record = head.first + parts.join('');
  return digestOf(record) === head.digest ? record : undefined;
}
