import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { openMcpStore } from '../../../../src/mcp/mcp-credential-name.js';
import { recordMcpServer } from '../../../../src/mcp/mcp-server-index.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { oauthToken } from '../../../helpers/tokens.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, out, err };
}

const URL = 'https://mcp.example/mcp';

describe('claude-auth mcp', () => {
  it.each([
    [['mcp'], /expected one of login, status, logout, token, headers/],
    [['mcp', 'list'], /expected one of/],
    [['mcp', 'login', 'docs'], /mcp login takes NAME URL/],
    [['mcp', 'login', 'docs', URL, '--device', '--no-browser'], /exclude each other/],
    [['mcp', 'logout'], /mcp logout takes NAME or --all/],
    [['mcp', 'logout', 'docs', '--all'], /mcp logout takes NAME or --all/],
    [['mcp', 'token', 'a', 'b'], /too many arguments/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, err } = await cli({ CLAUDE_AUTH_DIR: await tempDir() }, ...argv);
    expect(code).toBe(ExitCode.USAGE);
    expect(err).toMatch(message);
  });

  it('refuses a client secret without --client-id, before any request', async () => {
    const { code, err } = await cli(
      { CLAUDE_AUTH_DIR: await tempDir(), CLAUDE_AUTH_MCP_CLIENT_SECRET: 'shh-0123456789' },
      'mcp',
      'login',
      'docs',
      URL,
    );
    expect(code).toBe(ExitCode.USAGE);
    expect(err).toContain('needs --client-id');
    expect(err).not.toContain('shh-0123456789');
  });

  it.each(['', 'a b', 'docs/x'])(
    'mcp login refuses the server name %j before any request (exit 2)',
    async (name) => {
      // mcp.example does not resolve: a request would fail with another error.
      const { code, err } = await cli(
        { CLAUDE_AUTH_DIR: await tempDir() },
        'mcp',
        'login',
        name,
        URL,
      );
      expect(code).toBe(ExitCode.USAGE);
      expect(err).toContain('letters, digits, - and _');
    },
  );

  it('token and headers print the stored token by name, and only it on stdout', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const token = oauthToken(3_600_000);
    await TokenStorage.fromStore(openMcpStore({ serverUrl: URL, env })).saveToken(token);
    await recordMcpServer('default', 'docs', URL, env);
    expect(await cli(env, 'mcp', 'token', 'docs')).toMatchObject({
      code: 0,
      out: `${token.accessToken}\n`,
    });
    expect(await cli(env, 'mcp', 'headers', 'docs')).toMatchObject({
      code: 0,
      out: `{"Authorization":"Bearer ${token.accessToken}"}\n`,
    });
  });

  it('an unknown name is "not logged in" (exit 3) with the login command, not a stack', async () => {
    const { code, out, err } = await cli(
      { CLAUDE_AUTH_DIR: await tempDir() },
      'mcp',
      'token',
      'docs',
    );
    expect(code).toBe(ExitCode.NOT_LOGGED_IN);
    expect(out).toBe('');
    expect(err).toContain('claude-auth mcp login docs URL');
  });

  it('a login refused for good is "re-login required" (exit 4) naming mcp login for that server', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await TokenStorage.fromStore(openMcpStore({ serverUrl: URL, env })).saveToken(
      oauthToken(3_600_000).with({ reauthRequired: true }),
    );
    await recordMcpServer('default', 'docs', URL, env);
    const { code, err } = await cli(env, 'mcp', 'headers', 'docs');
    expect(code).toBe(ExitCode.REAUTH_REQUIRED);
    expect(err).toContain(`claude-auth mcp login docs ${URL}`);
  });
});
