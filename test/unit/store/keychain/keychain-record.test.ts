import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asciiJson,
  entriesFor,
  joinRecord,
  MAX_ENTRY_CHARS,
  parseHead,
  splitRecord,
} from '../../../../src/store/keychain/keychain-record.js';

/** Windows Credential Manager's cap on one credential blob; the library stores UTF-16 there. */
const WINDOWS_BLOB_BYTES = 2560;
const utf16Bytes = (text: string) => Buffer.byteLength(text, 'utf16le');

function roundTrip(record: string, revision = '7.0a1b2c3d') {
  const { head, parts } = splitRecord(record, revision);
  const parsed = parseHead(head);
  if (parsed === undefined) throw new Error('head did not parse');
  return { head, parts, parsed, joined: joinRecord(parsed, parts) };
}

describe('keychain records split into entries Windows accepts', () => {
  it.each([
    ['a 2,600-byte record', 2600],
    ['a 3 KB record', 3072],
    ['a 10 KB record', 10_240],
    ['a small record', 300],
  ])('%s: every entry fits 2,560 bytes as UTF-16 and the parts join back exactly', (_, size) => {
    const record = `{"padding":"${'x'.repeat(size - 15)}"}\n`;
    const { head, parts, parsed, joined } = roundTrip(record);
    for (const entry of [head, ...parts]) {
      expect(entry.length).toBeLessThanOrEqual(MAX_ENTRY_CHARS);
      expect(utf16Bytes(entry)).toBeLessThanOrEqual(WINDOWS_BLOB_BYTES);
    }
    expect(parsed.entries).toBe(1 + parts.length);
    expect(parsed.entries).toBe(entriesFor(record));
    expect(parsed.entries).toBe(size > 1000 ? Math.ceil((size + 160) / MAX_ENTRY_CHARS) : 1);
    expect(joined).toBe(record);
  });

  it('a part missing or from another revision is noticed, never joined', () => {
    const record = `{"padding":"${'y'.repeat(3000)}"}`;
    const { parts, parsed } = roundTrip(record);
    expect(joinRecord(parsed, [parts[0] ?? '', null])).toBeUndefined();
    const other = splitRecord(`{"padding":"${'z'.repeat(3000)}"}`, '8.ffffffff').parts;
    expect(joinRecord(parsed, [parts[0] ?? '', other[1] ?? ''])).toBeUndefined();
    expect(joinRecord(parsed, parts.slice(0, 1))).toBeUndefined();
  });

  it('non-ASCII JSON becomes ASCII escapes that parse to the same value, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const json = asciiJson(JSON.stringify({ name: text }, null, 2));
        expect(json).toMatch(/^[\x20-\x7e\n]*$/);
        expect(JSON.parse(json)).toEqual({ name: text });
        const { joined } = roundTrip(json);
        expect(joined).toBe(json);
      }),
    );
  });

  it('refuses what is not a head this version wrote', () => {
    for (const value of [
      '',
      'hello',
      'claude-auth-keychain/2 1.a 1 d\n{}',
      'claude-auth-keychain/1 1.a x d\n',
    ])
      expect(parseHead(value)).toBeUndefined();
    expect(() => splitRecord('{}', 'has space')).toThrow(RangeError);
  });
});
