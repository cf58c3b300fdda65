import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { MessagesApi, RecordedRequest } from '../../fixtures/messages-api.js';
import { SUBSCRIPTION_TOKEN_LIFETIME_MS } from '../../src/claude-code/subscription-token.js';
import { TokenStorage } from '../../src/storage/token-storage.js';
import { AuthToken } from '../../src/token/auth-token.js';
import { tempDir } from './temp-dir.js';
import { fakeSecret } from './tokens.js';

/** A sandbox for one real Claude Code run: temp HOME and config dir, the stand-in as the API. */
export interface ClaudeSandbox {
  readonly home: string;
  readonly configDir: string;
  /** The storage of the default profile inside the sandbox. */
  readonly storage: TokenStorage;
  /** `options.env` for a query in this sandbox. */
  readonly env: Record<string, string>;
}

export async function claudeSandbox(api: MessagesApi): Promise<ClaudeSandbox> {
  const home = await tempDir('claude-home-');
  const configDir = join(home, '.claude');
  await mkdir(configDir, { recursive: true });
  const storageDir = join(home, '.claude_code');
  return {
    home,
    configDir,
    storage: new TokenStorage(join(storageDir, 'tokens.json'), 'default'),
    env: {
      HOME: home,
      CLAUDE_CONFIG_DIR: configDir,
      CLAUDE_AUTH_DIR: storageDir,
      ANTHROPIC_BASE_URL: api.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  };
}

/**
 * A stored Claude subscription token (the shape `claude setup-token` prints),
 * obtained `lifetimeMs` (default one year, as the CLI issues them) before it expires.
 */
export function subscriptionToken(
  expiresInMs = SUBSCRIPTION_TOKEN_LIFETIME_MS,
  suffix = 'a',
  lifetimeMs = SUBSCRIPTION_TOKEN_LIFETIME_MS,
): AuthToken {
  const expiresAt = Date.now() + expiresInMs;
  return new AuthToken({
    kind: 'claude-subscription',
    accessToken: `sk-ant-oat01-test-${suffix.repeat(8)}-${fakeSecret('subscription')}`,
    expiresAt: new Date(expiresAt),
    obtainedAt: new Date(expiresAt - lifetimeMs),
    scopes: ['user:inference'],
  });
}

/** Writes Claude Code's own login file, as `claude auth login` would. */
export async function writeClaudeCodeLogin(
  sandbox: ClaudeSandbox,
  accessToken: string,
): Promise<void> {
  const credentials = {
    claudeAiOauth: {
      accessToken,
      refreshToken: 'sk-ant-ort01-test-refresh',
      expiresAt: Date.now() + 3_600_000,
      scopes: ['user:inference', 'user:profile'],
      subscriptionType: 'max',
    },
  };
  await writeFile(join(sandbox.configDir, '.credentials.json'), JSON.stringify(credentials), {
    mode: 0o600,
  });
}

/** Runs a query to the end, collecting its messages (or the error it threw). */
export async function collect(
  messages: AsyncIterable<SDKMessage>,
): Promise<{ messages: SDKMessage[]; error?: unknown }> {
  const seen: SDKMessage[] = [];
  try {
    for await (const message of messages) seen.push(message);
    return { messages: seen };
  } catch (error) {
    return { messages: seen, error };
  }
}

/**
 * The Messages API requests of the sessions these messages came from (one,
 * or more when a middleware ran Claude Code again). The SDK kills an earlier
 * test's Claude Code without waiting for it to exit, so a request it had
 * already sent can land on the shared stand-in during the next test: tests
 * that assert on every request of their own run select them here.
 */
export function requestsOfSession(
  api: MessagesApi,
  messages: readonly SDKMessage[],
): RecordedRequest[] {
  const sessions = new Set(messages.filter((m) => m.type === 'system').map((m) => m.session_id));
  if (sessions.size === 0) throw new Error('the run produced no system message with a session id');
  return api.messageRequests.filter((r) =>
    sessions.has(String(r.headers['x-claude-code-session-id'])),
  );
}

/** The text Claude answered in a run. */
export function replyText(messages: readonly SDKMessage[]): string {
  return messages
    .filter((m) => m.type === 'assistant')
    .flatMap((m) => (m.type === 'assistant' ? m.message.content : []))
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('');
}
