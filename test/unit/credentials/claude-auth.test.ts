import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeAuth, EXPIRY_WARNING_CODE } from '../../../src/credentials/claude-auth.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { subscriptionToken } from '../../helpers/claude-code-env.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

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

describe('ClaudeAuth never changes the billing source silently', () => {
  it('after the API rejected a still-valid subscription token, it keeps failing with REAUTH_REQUIRED instead of using the API key', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'));
    await storage.saveToken(subscriptionToken());
    const auth = new ClaudeAuth({
      tokenStorage: storage,
      env: { ANTHROPIC_API_KEY: 'sk-ant-api03-test-fallback-key-0000' },
    });
    expect(await auth.getAuthHeaders()).toHaveProperty('authorization');
    for (const forceRefresh of [true, false, false]) {
      const failure = await auth.getAuthHeaders({ forceRefresh }).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: AuthErrorCode.REAUTH_REQUIRED,
        fix: expect.stringMatching(/claude-auth login.*claude-auth logout/),
      });
    }
    // A new login (from any process) ends it.
    const renewed = subscriptionToken(365 * 86_400_000, 'r');
    await storage.saveToken(renewed);
    expect(await auth.getAuthHeaders()).toMatchObject({
      authorization: `Bearer ${renewed.accessToken}`,
    });
  });
});

describe('ClaudeAuth.explain agrees with resolution', () => {
  it('after a stored login that needs renewing, later links are shown as skipped, never as used', async () => {
    const dir = await tempDir();
    const storage = new TokenStorage(join(dir, 'tokens.json'));
    await storage.saveToken(subscriptionToken(-60_000));
    const auth = new ClaudeAuth({
      tokenStorage: storage,
      env: { CLAUDE_CONFIG_DIR: dir, ANTHROPIC_API_KEY: 'sk-ant-api03-test-fallback-key-0000' },
    });
    const steps = await auth.explain();
    expect(steps.map((step) => [step.link, step.outcome])).toEqual([
      ['profile', 'failed'],
      ['env:CLAUDE_CODE_OAUTH_TOKEN', 'empty'],
      ['claude-code-login', 'empty'],
      ['option', 'skipped'],
      ['env:ANTHROPIC_API_KEY', 'skipped'],
    ]);
    await expect(auth.resolveCredential()).rejects.toMatchObject({
      code: AuthErrorCode.REAUTH_REQUIRED,
    });
  });
});

describe('ClaudeAuth: the stored credential’s refresh', () => {
  it('is sent with the token manager’s signal, so a lease bounds the request', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'), 'work');
    const NOW = Date.parse('2026-03-01T12:00:00Z');
    await storage.saveToken(
      oauthToken(60_000, NOW, {
        provider: {
          clientId: 'test-client',
          tokenEndpoint: 'http://127.0.0.1:1/token',
          apiBaseUrl: 'https://gateway.example/anthropic',
        },
      }),
    );
    const signals: (AbortSignal | undefined)[] = [];
    const auth = new ClaudeAuth({
      tokenStorage: storage,
      env: {},
      now: () => NOW + 120_000,
      // Stands in for the network only: what the token request is handed is the point.
      fetch: async (_url, init) => {
        signals.push(init.signal ?? undefined);
        return Response.json({
          access_token: 'renewed-access-1234',
          token_type: 'Bearer',
          expires_in: 3600,
        });
      },
    });
    const credential = await auth.resolveCredential();
    expect(credential.kind).toBe('oauth');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });
});
