import { describe, expect, it } from 'vitest';
import { parsePastedResponse } from '../../../src/oauth/pasted-response.js';

const STATE = 'expected-state-value';

// A pasted response is this login's only when its state is this login's: the
// paste path must not become a way around the state check.
describe('parsePastedResponse refuses what is not this login’s response', () => {
  it.each([
    ['code#state with a foreign state', 'abcd1234#foreign-state'],
    ['code#state#more', `abcd1234#${STATE}#more`],
    // Compared whole: this login's state with more after it is another state.
    ['code#state with this login’s state extended', `abcd1234#${STATE}x`],
    ['a URL with this login’s state extended', `http://localhost/cb?code=abcd&state=${STATE}x`],
    ['code#state with this login’s state shortened', `abcd1234#${STATE.slice(0, -1)}`],
    ['a URL whose scheme only ends in http://', `xhttp://localhost/cb?code=abcd&state=${STATE}`],
    ['a bare code with characters before it', 'not a code1234'],
    ['a bare code with characters after it', 'code1234 and more'],
  ])('%s', (_name, line) => {
    expect(parsePastedResponse(line, STATE)).toBeUndefined();
  });

  it('accepts code#state whose state is this login’s', () => {
    expect(parsePastedResponse(`abcd1234#${STATE}`, STATE)?.get('code')).toBe('abcd1234');
  });
});
