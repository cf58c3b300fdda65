import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/platform/sha256.js';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(sha256('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256('').toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq').toString('hex')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    // 55, 56 and 64 bytes are where the length field moves to a second block.
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(sha256(text).toString('hex'), `length ${length}`).toBe(nodeSha256(text));
    }
  });

  it('agrees with node:crypto on random text, multi-byte characters included', () => {
    for (let i = 0; i < 200; i++) {
      const text = `${randomBytes(i).toString('latin1')}é€😀${i}`;
      expect(sha256(text).toString('hex')).toBe(nodeSha256(text));
    }
  });

  it('agrees with node:crypto on a text of several blocks', () => {
    const text = randomBytes(5000).toString('base64');
    expect(sha256(text).toString('hex')).toBe(nodeSha256(text));
  });
});
