import { describe, expect, it } from 'vitest';
import { TokenHidingWriter } from '../../../src/claude-code/setup-token.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';

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
});
