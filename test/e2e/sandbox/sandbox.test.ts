import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../../sandbox/sandbox.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';

describe("the offline sandbox (the README's first command)", () => {
  it.each([
    ['headless Chromium', false],
    ['the scripted user agent', true],
  ])(
    'tells the whole story with %s and succeeds',
    async (_name, withoutBrowser) => {
      const output = capturedOutput();
      const ok = await runSandbox({ output: output.stream, withoutBrowser });
      const transcript = output.text();
      expect(transcript).not.toContain('✗');
      expect(ok).toBe(true);
      for (const step of [
        'claude-auth login --provider',
        'claude-auth status',
        'queryWithOAuth',
        'claude-auth refresh',
        'claude-auth logout',
      ]) {
        expect(transcript).toContain(step);
      }
      expect(transcript).toContain('Claude: Hello! I reached you through your gateway token.');
      expect(transcript).toMatch(/the provider reports the token inactive/);
      expect(transcript).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|refresh_token=/);
    },
    90_000,
  );
});
