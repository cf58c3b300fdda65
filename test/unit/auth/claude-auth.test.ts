import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeAuth, EXPIRY_WARNING_CODE } from '../../../src/auth/claude-auth.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { tempDir } from '../../helpers/temp-dir.js';

function warningsDuring(run: () => Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error) => seen.push(warning);
  process.on('warning', listener);
  return run()
    .then(() => new Promise((resolve) => setImmediate(resolve)))
    .then(() => seen)
    .finally(() => process.off('warning', listener));
}

describe('ClaudeAuth', () => {
  it('warns once, with the fix, when a stored subscription token is within 30 days of expiry', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'work.json'), 'work');
    await storage.saveToken(subscriptionToken(10 * 86_400_000));
    const auth = new ClaudeAuth({ tokenStorage: storage, env: {} });
    const warnings = await warningsDuring(async () => {
      await auth.resolveCredential();
      await auth.resolveCredential();
    });
    const ours = warnings.filter((w) => (w as { code?: string }).code === EXPIRY_WARNING_CODE);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toMatch(
      /expires in 9 days\. Renew it with: claude-auth refresh --profile work/,
    );
  });

  it('does not warn about a token with months left', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
    await storage.saveToken(subscriptionToken(200 * 86_400_000));
    const warnings = await warningsDuring(() =>
      new ClaudeAuth({ tokenStorage: storage, env: {} }).resolveCredential(),
    );
    expect(warnings.filter((w) => (w as { code?: string }).code === EXPIRY_WARNING_CODE)).toEqual(
      [],
    );
  });
});
