import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claudeCodeVariableRole,
  isClaudeAuthSecret,
} from '../../../src/credentials/claude-code-variables.js';

/** The bundled Claude Code binary of this platform (the one queries run). */
async function bundledBinary(): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const pkg = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  return readFile(join(dirname(require.resolve(`${pkg}/package.json`)), 'claude'));
}

/**
 * The names in the binary that can select a provider or carry a credential:
 * - every `ANTHROPIC_*` (the API's own namespace: keys, tokens, base URLs,
 *   headers, Bedrock/Vertex/Foundry settings, federation);
 * - every `CLAUDE_CODE_USE_*` (provider switches) and `CLAUDE_CODE_SKIP_*_AUTH`;
 * - every `CLAUDE_CODE_*` with a word that names a credential or a destination
 *   (TOKEN, API_KEY, OAUTH, AUTH, CREDS, SECRET, CLIENT_KEY, BASE_URL,
 *   PROVIDER, GATEWAY, account and organisation ids);
 * - the two cloud variables Claude Code's own provider docs name
 *   (`AWS_BEARER_TOKEN_BEDROCK`, `CLOUD_ML_REGION`). The AWS, Google and Azure
 *   SDKs' general variables (`AWS_ACCESS_KEY_ID`, …) act only once a provider
 *   switch selects them, and the switches are in the table; they stay
 *   available to the user's tools.
 * Names ending in `_` or a digit are pieces the bundle concatenates, not variables.
 */
const CANDIDATE =
  /\b(ANTHROPIC_[A-Z0-9_]*[A-Z]|CLAUDE_CODE_USE_[A-Z0-9_]*[A-Z]|CLAUDE_CODE_SKIP_[A-Z_]*AUTH|CLAUDE_CODE_(?:[A-Z0-9]+_)*(?:TOKEN|API_KEY|OAUTH|CREDS|CREDENTIALS|SECRET|CLIENT_KEY|BASE_URL|AUTH|AUTHENTICATE|PROVIDER|PROVIDERS|GATEWAY|ORGANIZATION_UUID|ACCOUNT_UUID)(?:_[A-Z0-9]+)*|AWS_BEARER_TOKEN_BEDROCK|CLOUD_ML_REGION)\b/g;

describe('the table of Claude Code variables covers the bundled binary', () => {
  it('classifies every credential or provider variable the bundled Claude Code contains', async () => {
    const text = (await bundledBinary()).toString('latin1');
    const found = new Set([...text.matchAll(CANDIDATE)].map((match) => match[1] ?? ''));
    // The pattern is meaningful only if it finds the paths known today.
    for (const known of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_OAUTH_TOKEN'])
      expect(found).toContain(known);
    const missing = [...found].filter((name) => claudeCodeVariableRole(name) === undefined).sort();
    expect(missing).toEqual([]);
  }, 60_000);

  it.each([
    ['ANTHROPIC_API_KEY', 'credential'],
    ['CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR', 'credential'],
    ['AWS_BEARER_TOKEN_BEDROCK', 'credential'],
    ['ANTHROPIC_PROFILE', 'credential'],
    ['CLAUDE_CODE_USE_BEDROCK', 'provider'],
    ['CLAUDE_CODE_USE_VERTEX', 'provider'],
    ['CLAUDE_CODE_USE_FOUNDRY', 'provider'],
    ['ANTHROPIC_BASE_URL', 'provider'],
    ['ANTHROPIC_FEDERATION_RULE_ID', 'federation'],
    ['ANTHROPIC_IDENTITY_TOKEN_FILE', 'federation'],
    ['ANTHROPIC_DEFAULT_OPUS_MODEL_NAME', 'other'],
    ['PATH', undefined],
  ])('%s is %s', (name, role) => {
    expect(claudeCodeVariableRole(name)).toBe(role);
  });
});

describe("isClaudeAuthSecret: claude-auth's own secrets", () => {
  it.each([
    ['CLAUDE_AUTH_STORE_KEY', 'k'],
    ['CLAUDE_OAUTH_CLIENT_SECRET', 's'],
    ['CLAUDE_AUTH_STORE', 'redis://:p4ss@127.0.0.1:6379/0'],
    ['CLAUDE_AUTH_STORE', 'rediss://user:p4ss@redis.example:6380'],
  ])('%s=%s is a secret', (name, value) => {
    expect(isClaudeAuthSecret(name, value)).toBe(true);
  });

  it.each([
    ['CLAUDE_AUTH_STORE', 'redis://127.0.0.1:6379/0'],
    ['CLAUDE_AUTH_STORE', 'keychain'],
    ['CLAUDE_AUTH_STORE_KEY_FILE', '/run/secrets/key'],
    ['CLAUDE_AUTH_REDIS_PASSWORD_FILE', '/run/secrets/redis'],
    ['CLAUDE_AUTH_PROFILE', 'work'],
    ['CLAUDE_OAUTH_CLIENT_ID', 'client'],
  ])('%s=%s is not', (name, value) => {
    expect(isClaudeAuthSecret(name, value)).toBe(false);
  });
});
