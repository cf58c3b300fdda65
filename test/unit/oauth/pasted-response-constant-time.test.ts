import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePastedResponse } from '../../../src/oauth/pasted-response.js';

// SECURITY.md: the state is compared in constant time, at the listener and in a pasted response.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const STATE = 'expected-state-value';
/** The pasted states `timingSafeEqual` compared with this login's. */
const compared = () =>
  vi
    .mocked(crypto.timingSafeEqual)
    .mock.calls.filter(([, expected]) => Buffer.from(expected as Uint8Array).toString() === STATE)
    .map(([pasted]) => Buffer.from(pasted as Uint8Array).toString());

afterEach(() => {
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

describe('parsePastedResponse compares the pasted state in constant time', () => {
  const forged = `${STATE.slice(0, -1)}X`;

  it.each([
    ['code#state', (state: string) => `abcd1234#${state}`],
    [
      'the whole redirect URL',
      (state: string) => `http://127.0.0.1:8089/cb?code=abcd&state=${state}`,
    ],
  ])(
    'in %s: the right state accepted, a forged one of the same length refused, both through timingSafeEqual',
    (_name, line) => {
      expect(parsePastedResponse(line(STATE), STATE)?.get('code')).toMatch(/^abcd/);
      expect(parsePastedResponse(line(forged), STATE)).toBeUndefined();
      expect(compared()).toEqual([STATE, forged]);
    },
  );

  it('refuses a pasted URL that carries a code but no state, comparing nothing', () => {
    expect(parsePastedResponse('http://127.0.0.1:8089/cb?code=abcd', STATE)).toBeUndefined();
    expect(compared()).toEqual([]);
  });
});
