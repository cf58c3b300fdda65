import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASE_URL_IGNORED_WARNING_CODE,
  launchEnvironment,
} from '../../../src/credentials/launch-environment.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { resolvedCredential } from '../../helpers/tokens.js';

const GATEWAY = 'https://gateway.example/anthropic';
const inherited = { ANTHROPIC_BASE_URL: 'https://proxy.example' };

describe('launchEnvironment: the policy applied to the child environment and settings files', () => {
  it('removes an inherited base URL and competing credentials for a subscription token', async () => {
    const env = await launchEnvironment(
      { ...inherited, ANTHROPIC_API_KEY: 'k', PATH: '/bin' },
      { settingSources: [] },
      resolvedCredential('claude-subscription'),
    );
    expect(env).toEqual({ PATH: '/bin', CLAUDE_CODE_OAUTH_TOKEN: 'secret-value' });
  });

  it('sets the gateway base URL for a gateway token', async () => {
    const env = await launchEnvironment(
      inherited,
      { settingSources: [] },
      resolvedCredential('oauth', 'profile', GATEWAY),
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
      launchEnvironment({}, options, resolvedCredential('claude-subscription')),
    ).rejects.toMatchObject({ code: AuthErrorCode.SETTINGS_CONFLICT });
    // The same URL opted in explicitly, or a gateway token stored for it, is no conflict.
    await expect(
      launchEnvironment(
        {},
        { ...options, env: { ANTHROPIC_BASE_URL: GATEWAY } },
        resolvedCredential('claude-subscription'),
      ),
    ).resolves.toMatchObject({ ANTHROPIC_BASE_URL: GATEWAY });
    await expect(
      launchEnvironment({}, options, resolvedCredential('oauth', 'profile', GATEWAY)),
    ).resolves.toMatchObject({ ANTHROPIC_BASE_URL: GATEWAY });
    await expect(
      launchEnvironment(
        {},
        options,
        resolvedCredential('oauth', 'profile', 'https://other.example'),
      ),
    ).rejects.toMatchObject({ code: AuthErrorCode.SETTINGS_CONFLICT });
    // An API key may go where the user's settings point.
    await expect(
      launchEnvironment({}, options, resolvedCredential('api-key', 'option')),
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
          resolvedCredential('claude-subscription'),
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

describe('launchEnvironment: ANTHROPIC_CUSTOM_HEADERS cannot replace the injected credential', () => {
  const custom =
    'X-Team: blue\nAuthorization: Bearer someone-elses-token\nx-api-key: sk-ant-api03-other';

  it('drops credential lines from an inherited or explicit value and keeps the other headers', async () => {
    for (const kind of ['claude-subscription', 'oauth', 'api-key'] as const) {
      const inheritedEnv = await launchEnvironment(
        { ANTHROPIC_CUSTOM_HEADERS: custom },
        { settingSources: [] },
        resolvedCredential(kind, 'option'),
      );
      expect(inheritedEnv.ANTHROPIC_CUSTOM_HEADERS).toBe('X-Team: blue');
      const explicitEnv = await launchEnvironment(
        {},
        { settingSources: [], env: { ANTHROPIC_CUSTOM_HEADERS: 'authorization:Bearer x' } },
        resolvedCredential(kind, 'option'),
      );
      expect(explicitEnv).not.toHaveProperty('ANTHROPIC_CUSTOM_HEADERS');
    }
  });

  it('refuses a settings file whose ANTHROPIC_CUSTOM_HEADERS sets a credential header', async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, '.claude'));
    await writeFile(
      join(cwd, '.claude', 'settings.json'),
      JSON.stringify({ env: { ANTHROPIC_CUSTOM_HEADERS: custom } }),
    );
    await expect(
      launchEnvironment(
        {},
        { cwd, settingSources: ['project'] },
        resolvedCredential('claude-subscription'),
      ),
    ).rejects.toMatchObject({
      code: AuthErrorCode.SETTINGS_CONFLICT,
      message: expect.stringContaining('env.ANTHROPIC_CUSTOM_HEADERS'),
    });
  });
});

describe('launchEnvironment: a plain-http destination never goes through a proxy', () => {
  it('adds a loopback http base URL to NO_PROXY and no_proxy, keeping what was listed', async () => {
    const env = await launchEnvironment(
      { HTTP_PROXY: 'http://proxy.example:3128', NO_PROXY: 'internal.example' },
      { settingSources: [] },
      resolvedCredential('oauth', 'profile', 'http://127.0.0.1:8080/gateway'),
    );
    expect(env.NO_PROXY?.split(',')).toEqual(['internal.example', '127.0.0.1']);
    expect(env.no_proxy?.split(',')).toEqual(['internal.example', '127.0.0.1']);
    const ipv6 = await launchEnvironment(
      {},
      { settingSources: [], env: { ANTHROPIC_BASE_URL: 'http://[::1]:8080' } },
      resolvedCredential('claude-subscription'),
    );
    expect(ipv6.NO_PROXY?.split(',')).toEqual(['[::1]', '::1']);
  });

  it('leaves the proxy settings alone for https destinations', async () => {
    const env = await launchEnvironment(
      { HTTPS_PROXY: 'http://proxy.example:3128' },
      { settingSources: [] },
      resolvedCredential('oauth', 'profile', GATEWAY),
    );
    expect(env).not.toHaveProperty('NO_PROXY');
  });
});

describe("launchEnvironment: the query's own options.settings", () => {
  it('refuses options.settings that would replace the credential or send it elsewhere, object or file', async () => {
    const file = join(await tempDir(), 'flag-settings.json');
    await writeFile(file, JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-api03-flag' } }));
    for (const settings of [
      { env: { ANTHROPIC_API_KEY: 'sk-ant-api03-flag' } },
      { env: { ANTHROPIC_BASE_URL: 'https://elsewhere.example' } },
      // A provider switch there beats the child environment as a credential does.
      { env: { CLAUDE_CODE_USE_BEDROCK: '1' } },
      { env: { ANTHROPIC_FEDERATION_RULE_ID: 'rule' } },
      { apiKeyHelper: 'echo key' },
      file,
    ]) {
      const failure = await launchEnvironment(
        {},
        { settingSources: [], settings },
        resolvedCredential('claude-subscription'),
      ).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: AuthErrorCode.SETTINGS_CONFLICT,
        fix: expect.stringContaining('options.settings'),
      });
    }
  });

  it('accepts options.settings that leave the credential alone, or name the base URL it goes to', async () => {
    await expect(
      launchEnvironment(
        {},
        {
          settingSources: [],
          settings: { model: 'claude-test', env: { ANTHROPIC_BASE_URL: GATEWAY } },
        },
        resolvedCredential('oauth', 'profile', GATEWAY),
      ),
    ).resolves.toMatchObject({ ANTHROPIC_BASE_URL: GATEWAY });
  });
});
