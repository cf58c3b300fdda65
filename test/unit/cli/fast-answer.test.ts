import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastAnswer } from '../../../src/cli/fast-answer.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { mcpHeaders } from '../../../src/mcp/mcp-headers.js';
import { openMcpStore } from '../../../src/mcp/mcp-store.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import type { AuthToken } from '../../../src/token/auth-token.js';
import { recordingIO } from '../../helpers/recording-io.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const DAY = 86_400_000;
const MCP_SERVER = 'https://mcp.fast.example/mcp';

/** A store directory whose `profile` (default `default`) holds `token`. */
async function storeWith(token: AuthToken, profile = 'default') {
  const directory = await tempDir('fast-answer-');
  const env: NodeJS.ProcessEnv = { CLAUDE_AUTH_DIR: directory };
  await TokenStorage.forProfile({ env, profile }).saveToken(token);
  return { directory, env };
}

/** What the full CLI prints on stdout for `argv`, and its exit code. */
async function fullCli(argv: string[], env: NodeJS.ProcessEnv) {
  const recorded = recordingIO(env);
  const code = await runCli(argv, recorded.io);
  return { code, stdout: recorded.stdout(), stderr: recorded.stderr() };
}

describe('fastAnswer: `token` and `mcp headers` before the CLI loads', () => {
  it.each([
    ['60 s', 60_000],
    ['1 h', 3_600_000],
    ['30 days', 30 * DAY],
    ['a year', 365 * DAY],
  ])('answers `token` on a fresh token of %s, exactly as the CLI does', async (_, lifetime) => {
    const token = oauthToken(lifetime);
    const { env } = await storeWith(token);
    const answer = fastAnswer(['token'], env);
    expect(answer).toBe(`${token.accessToken}\n`);
    expect(await fullCli(['token'], env)).toMatchObject({ code: 0, stdout: answer });
  });

  it.each([
    [
      'in its advisory window (4 min of an hour left)',
      oauthToken(4 * 60_000, Date.now(), { obtainedAt: new Date(Date.now() - 56 * 60_000) }),
    ],
    [
      'in its mandatory window (20 s left)',
      oauthToken(20_000, Date.now(), { obtainedAt: new Date(Date.now() - 3_580_000) }),
    ],
    [
      'past half of a 60 s lifetime',
      oauthToken(25_000, Date.now(), { obtainedAt: new Date(Date.now() - 35_000) }),
    ],
    ['expired', oauthToken(-1_000)],
    ['marked for re-login', oauthToken(3_600_000, Date.now(), { reauthRequired: true })],
    [
      'a subscription token in its renewal window',
      oauthToken(10 * DAY, Date.now(), {
        kind: 'claude-subscription',
        refreshToken: undefined,
        provider: undefined,
        obtainedAt: new Date(Date.now() - 355 * DAY),
      }),
    ],
  ])(
    'leaves a token %s to the CLI (the token manager refreshes or reports it)',
    async (_, token) => {
      const { env } = await storeWith(token);
      expect(fastAnswer(['token'], env)).toBeUndefined();
    },
  );

  it('leaves "not logged in" to the CLI', async () => {
    expect(fastAnswer(['token'], { CLAUDE_AUTH_DIR: await tempDir() })).toBeUndefined();
  });

  it.each([
    [['token', '-p', 'work']],
    [['token', '--profile', 'default']],
    [['token', '--min-ttl', '60']],
    [['token', '--store', 'file']],
    [['token', '--help']],
    [['status']],
    [['mcp', 'token']],
    [['mcp', 'headers', 'docs']],
    [[]],
  ])(
    'leaves %j to the CLI: only the argument lists Claude Code’s helpers run are answered',
    async (argv) => {
      const { env } = await storeWith(oauthToken(3_600_000));
      expect(fastAnswer(argv, { ...env, CLAUDE_CODE_MCP_SERVER_URL: MCP_SERVER })).toBeUndefined();
    },
  );

  it.each(['redis://127.0.0.1:1', 'keychain', 'auto', 'File', 'nonsense'])(
    'leaves CLAUDE_AUTH_STORE=%s to the CLI, touching no other backend',
    async (store) => {
      const { env } = await storeWith(oauthToken(3_600_000));
      expect(fastAnswer(['token'], { ...env, CLAUDE_AUTH_STORE: store })).toBeUndefined();
    },
  );

  it('answers with CLAUDE_AUTH_STORE=file, and for the profile CLAUDE_AUTH_PROFILE names', async () => {
    const work = oauthToken(3_600_000);
    const { env } = await storeWith(work, 'work');
    await TokenStorage.forProfile({ env }).saveToken(oauthToken(3_600_000));
    const chosen = { ...env, CLAUDE_AUTH_STORE: ' file ', CLAUDE_AUTH_PROFILE: 'work' };
    expect(fastAnswer(['token'], chosen)).toBe(`${work.accessToken}\n`);
  });

  it('answers for the profile `profiles use` chose, as the CLI does', async () => {
    const work = oauthToken(3_600_000);
    const { env } = await storeWith(work, 'work');
    expect((await fullCli(['profiles', 'use', 'work'], env)).code).toBe(0);
    expect(fastAnswer(['token'], env)).toBe(`${work.accessToken}\n`);
  });

  it('leaves an invalid CLAUDE_AUTH_PROFILE to the CLI, which says what is wrong', async () => {
    const { env } = await storeWith(oauthToken(3_600_000));
    const bad = { ...env, CLAUDE_AUTH_PROFILE: '../elsewhere' };
    expect(fastAnswer(['token'], bad)).toBeUndefined();
    expect(await fullCli(['token'], bad)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('CLAUDE_AUTH_PROFILE'),
    });
  });

  it('leaves a token file others can read to the CLI, which refuses it (exit 5, the file kept)', async () => {
    const { env, directory } = await storeWith(oauthToken(3_600_000));
    await chmod(join(directory, 'tokens.json'), 0o644);
    expect(fastAnswer(['token'], env)).toBeUndefined();
    expect(await fullCli(['token'], env)).toMatchObject({
      code: 5,
      stdout: '',
      stderr: expect.stringContaining('chmod 600'),
    });
  });

  describe('mcp headers', () => {
    async function mcpLogin(token: AuthToken, profile?: string) {
      const directory = await tempDir('fast-answer-mcp-');
      const env: NodeJS.ProcessEnv = { CLAUDE_AUTH_DIR: directory };
      const store = openMcpStore({
        serverUrl: MCP_SERVER,
        env,
        ...(profile !== undefined && { profile }),
      });
      await TokenStorage.fromStore(store).saveToken(token);
      return { ...env, CLAUDE_CODE_MCP_SERVER_URL: MCP_SERVER };
    }

    it('answers the server Claude Code names, exactly as the CLI does', async () => {
      const token = oauthToken(3_600_000);
      const env = await mcpLogin(token);
      const answer = fastAnswer(['mcp', 'headers'], env);
      expect(answer).toBe(`${JSON.stringify(mcpHeaders(token))}\n`);
      expect(await fullCli(['mcp', 'headers'], env)).toMatchObject({ code: 0, stdout: answer });
    });

    it('finds the login by the canonical URL (case, trailing slash)', async () => {
      const token = oauthToken(3_600_000);
      const env = await mcpLogin(token);
      const named = { ...env, CLAUDE_CODE_MCP_SERVER_URL: 'HTTPS://MCP.Fast.example/mcp/' };
      expect(fastAnswer(['mcp', 'headers'], named)).toBe(`${JSON.stringify(mcpHeaders(token))}\n`);
    });

    it('answers for the profile CLAUDE_AUTH_PROFILE names, not the default one', async () => {
      const token = oauthToken(3_600_000);
      const env = await mcpLogin(token, 'work');
      expect(fastAnswer(['mcp', 'headers'], env)).toBeUndefined();
      expect(fastAnswer(['mcp', 'headers'], { ...env, CLAUDE_AUTH_PROFILE: 'work' })).toBe(
        `${JSON.stringify(mcpHeaders(token))}\n`,
      );
    });

    it.each([
      ['no server named', { CLAUDE_CODE_MCP_SERVER_URL: undefined }],
      ['an empty server URL', { CLAUDE_CODE_MCP_SERVER_URL: '' }],
      [
        'a server named by its name only',
        { CLAUDE_CODE_MCP_SERVER_URL: undefined, CLAUDE_CODE_MCP_SERVER_NAME: 'docs' },
      ],
      [
        'plain http off this machine',
        { CLAUDE_CODE_MCP_SERVER_URL: 'http://mcp.fast.example/mcp' },
      ],
      ['another server', { CLAUDE_CODE_MCP_SERVER_URL: 'https://other.example/mcp' }],
      // Parses as a URL, but has no `://`: the CLI takes it as a server's name (namedMcpServer).
      ['a URL without //', { CLAUDE_CODE_MCP_SERVER_URL: 'https:mcp.fast.example/mcp' }],
    ])('leaves %s to the CLI', async (_, change) => {
      const env = await mcpLogin(oauthToken(3_600_000));
      expect(fastAnswer(['mcp', 'headers'], { ...env, ...change })).toBeUndefined();
    });

    it('leaves a login in its advisory window to the CLI (it refreshes first)', async () => {
      const now = Date.now();
      const env = await mcpLogin(
        oauthToken(60_000, now, { obtainedAt: new Date(now - 3_540_000) }),
      );
      expect(fastAnswer(['mcp', 'headers'], env)).toBeUndefined();
    });
  });
});
