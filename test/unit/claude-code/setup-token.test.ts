import { describe, expect, it } from 'vitest';
import { TokenHidingWriter } from '../../../src/claude-code/setup-token.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { FAKE_SUBSCRIPTION_TOKEN } from '../../helpers/tokens.js';

const TOKEN = `sk-ant-oat01-${'Ab9_-'.repeat(20)}AA`;

describe('TokenHidingWriter', () => {
  it.each([1, 3, 7, 13, 50])(
    'never lets the token through, whatever the chunking (%i-character chunks)',
    (size) => {
      const out = capturedOutput();
      const writer = new TokenHidingWriter(out.stream);
      const text = `Your token:\r\n\u001b[38;5;220m${TOKEN}\u001b[39m\r\nStore this token securely.`;
      for (let i = 0; i < text.length; i += size) writer.write(text.slice(i, i + size));
      writer.flush();
      expect(out.text()).not.toContain(TOKEN.slice(13, 40));
      expect(out.text()).toContain('Your token:');
      expect(out.text()).toContain('captured and stored by claude-auth');
      expect(out.text()).toContain('Store this token securely.');
    },
  );

  it('passes ordinary output through unchanged, holding back only a possible token start', () => {
    const out = capturedOutput();
    const writer = new TokenHidingWriter(out.stream);
    writer.write('Opening browser… sk');
    expect(out.text()).toBe('Opening browser… ');
    writer.write('y is blue');
    writer.flush();
    expect(out.text()).toBe('Opening browser… sky is blue');
  });

  const T = FAKE_SUBSCRIPTION_TOKEN;
  it.each([
    [
      'wrapped at 80 columns after a coloured line (review repro; failed before)',
      `\u001b[32mYour OAuth token:\u001b[39m\n\n${T.slice(0, 80)}\n${T.slice(80)}\n\nStore this token securely.\n`,
    ],
    [
      'in a box, wrapped',
      `│ ${T.slice(0, 60)} │\n│ ${T.slice(60)} │\nStore this token securely.\n`,
    ],
    [
      'split by colour codes',
      `${T.slice(0, 50)}\u001b[1m${T.slice(50)}\u001b[22m\nStore this token securely.\n`,
    ],
    ['repeated without its prefix', `${T}\n\nDone.\n${T.slice(20)}\nStore this token securely.\n`],
  ])('never prints any part of a token %s, whatever the chunking', (_shape, text) => {
    for (const size of [1, 5, 17, 1000]) {
      const out = capturedOutput();
      const writer = new TokenHidingWriter(out.stream);
      for (let i = 0; i < text.length; i += size) writer.write(text.slice(i, i + size));
      writer.flush();
      const shown = out.text();
      for (let i = 13; i + 8 <= T.length; i++) expect(shown).not.toContain(T.slice(i, i + 8));
      expect(shown).toContain('Store this token securely.');
    }
  });
});
