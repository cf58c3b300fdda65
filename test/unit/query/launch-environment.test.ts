import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CredentialSource,
  ResolvedCredential,
  type ResolvedCredentialKind,
} from '../../../src/auth/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  BASE_URL_IGNORED_WARNING_CODE,
  launchEnvironment,
} from '../../../src/query/launch-environment.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GATEWAY = 'https://gateway.example/anthropic';
const inherited = { ANTHROPIC_BASE_URL: 'https://proxy.example' };

function credential(
  kind: ResolvedCredentialKind,
  source: CredentialSource = 'profile',
  apiBaseUrl?: string,
): ResolvedCredential {
  return new ResolvedCredential({
    kind,
    source,
    secret: 'secret-value',
    ...(apiBaseUrl !== undefined && { apiBaseUrl }),
  });
}

describe('launchEnvironment: the policy applied to the child environment and settings files', () => {
  it('removes an inherited base URL and competing credentials for a subscription token', async () => {
    const env = await launchEnvironment(
      { ...inherited, ANTHROPIC_API_KEY: 'k', PATH: '/bin' },
      { settingSources: [] },
      credential('claude-subscription'),
    );
    expect(env).toEqual({ PATH: '/bin', CLAUDE_CODE_OAUTH_TOKEN: 'secret-value' });
  });

  it('sets the gateway base URL for a gateway token', async () => {
    const env = await launchEnvironment(
      inherited,
      { settingSources: [] },
      credential('oauth', 'profile', GATEWAY),
    );
    expect(env).toEqual({ ANTHROPIC_AUTH_TOKEN: 'secret-value', ANTHROPIC_BASE_URL: GATEWAY });
  });

  it("judges a settings file's base URL as an inherited one", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, '.claude'));
    await writeFile(
      join(cwd, '.claude', 'settings.json'),
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: GATEWAY } }),
    );
    const options = { cwd, settingSources: ['project' as const] };
    await expect(
      launchEnvironment({}, options, credential('claude-subscription')),
    ).rejects.toMatchObject({ code: AuthErrorCode.SETTINGS_CONFLICT });
    // The same URL opted in explicitly, or a gateway token stored for it, is no conflict.
    await expect(
      launchEnvironment(
        {},
        { ...options, env: { ANTHROPIC_BASE_URL: GATEWAY } },
        credential('claude-subscription'),
      ),
    ).resolves.toMatchObject({ ANTHROPIC_BASE_URL: GATEWAY });
    await expect(
      launchEnvironment({}, options, credential('oauth', 'profile', GATEWAY)),
    ).resolves.toMatchObject({ ANTHROPIC_BASE_URL: GATEWAY });
    await expect(
      launchEnvironment({}, options, credential('oauth', 'profile', 'https://other.example')),
    ).rejects.toMatchObject({ code: AuthErrorCode.SETTINGS_CONFLICT });
    // An API key may go where the user's settings point.
    await expect(
      launchEnvironment({}, options, credential('api-key', 'option')),
    ).resolves.toBeDefined();
  });
});

describe('launchEnvironment: an inherited base URL left out is said once', () => {
  it('warns once per process and URL, with the opt-in, when a subscription token does not follow an inherited ANTHROPIC_BASE_URL', async () => {
    const seen: Error[] = [];
    const listener = (warning: Error) => seen.push(warning);
    process.on('warning', listener);
    try {
      for (let i = 0; i < 2; i++)
        await launchEnvironment(
          { ANTHROPIC_BASE_URL: 'https://warned.example' },
          { settingSources: [] },
          credential('claude-subscription'),
        );
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    const ours = seen.filter(
      (w) => (w as { code?: string }).code === BASE_URL_IGNORED_WARNING_CODE,
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain('CLAUDE_AUTH_SUBSCRIPTION_BASE_URL');
  });
});
