// Bench: time to result of queryWithOAuth against the official query() with the
// same credential, through the real Claude Code binary and a local stand-in.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query as officialQuery } from '@anthropic-ai/claude-agent-sdk';
import { MessagesApi } from '../fixtures/messages-api.js';
import { queryWithOAuth } from '../src/query/queries.js';
import { TokenStorage } from '../src/storage/token-storage.js';
import { AuthToken } from '../src/token/auth-token.js';
import { fmt, interleave, summarize, table } from './lib/stats.js';

const RUNS = 20;

async function timeToResult(messages: AsyncIterable<{ type: string }>): Promise<number> {
  const start = performance.now();
  let elapsed = Number.NaN;
  for await (const message of messages)
    if (message.type === 'result') elapsed = performance.now() - start;
  return elapsed;
}

/** Runs the query bench and returns Markdown. */
export async function run(): Promise<string> {
  const api = await MessagesApi.start();
  const home = await mkdtemp(join(tmpdir(), 'claude-auth-bench-'));
  try {
    const configDir = join(home, '.claude');
    await mkdir(configDir);
    const env = {
      HOME: home,
      CLAUDE_CONFIG_DIR: configDir,
      CLAUDE_AUTH_DIR: join(home, 'store'),
      ANTHROPIC_BASE_URL: api.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const token = new AuthToken({
      kind: 'claude-subscription',
      accessToken: 'sk-ant-oat01-bench-token-not-real',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await new TokenStorage(join(home, 'store', 'tokens.json')).saveToken(token);
    const samples = await interleave(
      {
        official: () =>
          timeToResult(
            officialQuery({
              prompt: 'Hello',
              options: {
                env: {
                  ...process.env,
                  ...env,
                  CLAUDE_CODE_OAUTH_TOKEN: token.accessToken,
                } as Record<string, string>,
              },
            }),
          ),
        queryWithOAuth: () => timeToResult(queryWithOAuth({ prompt: 'Hello', options: { env } })),
      },
      RUNS,
    );
    const official = summarize(samples.official);
    const ours = summarize(samples.queryWithOAuth);
    const sameCredential = api.messageRequests.every((r) => r.credential === token.accessToken);
    return [
      '### Queries (real Claude Code binary, local Messages-API stand-in)',
      table(
        ['measure', 'median ms', 'min ms', 'max ms', 'ratio'],
        [
          [
            `official \`query()\` (baseline), ${RUNS} runs`,
            fmt(official.median),
            fmt(official.min),
            fmt(official.max),
            '1.00',
          ],
          [
            `\`queryWithOAuth()\`, ${RUNS} runs`,
            fmt(ours.median),
            fmt(ours.min),
            fmt(ours.max),
            fmt(ours.median / official.median),
          ],
        ],
      ),
      '',
      `Every request carried the same subscription token: ${sameCredential}. Goal: ratio ≤ 1.03.`,
    ].join('\n');
  } finally {
    await api.close();
    await rm(home, { recursive: true, force: true });
  }
}
