import { describe, expect, it } from 'vitest';
import { parsePastedResponse } from '../../../src/oauth/pasted-response.js';

const STATE = 'expected-state-value';

describe('parsePastedResponse', () => {
  it('accepts the whole redirect URL of this login', () => {
    const params = parsePastedResponse(
      `  http://localhost:8089/callback?code=abc123&state=${STATE}&iss=x \n`,
      STATE,
    );
    expect(params?.get('code')).toBe('abc123');
    expect(params?.get('iss')).toBe('x');
  });

  it('accepts an error response URL, so a denial is reported', () => {
    expect(
      parsePastedResponse(
        `http://localhost/callback?error=access_denied&state=${STATE}`,
        STATE,
      )?.get('error'),
    ).toBe('access_denied');
  });

  it('accepts code#state and a bare code', () => {
    expect(parsePastedResponse(`abc123#${STATE}`, STATE)?.get('code')).toBe('abc123');
    expect(parsePastedResponse('abc123', STATE)?.get('state')).toBe(STATE);
  });

  it.each([
    '',
    '   ',
    'http://localhost/callback?code=abc&state=other',
    `http://localhost/callback?state=${STATE}`,
    'abc#other',
    'has spaces in it',
    'a#b#c',
    'http://[bad',
  ])('rejects %j', (line) => {
    expect(parsePastedResponse(line, STATE)).toBeUndefined();
  });
});
