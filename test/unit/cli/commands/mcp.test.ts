import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mcpCommand } from '../../../../src/cli/commands/mcp.js';
import { ExitCode, runCli } from '../../../../src/cli/run-cli.js';
import { UsageError } from '../../../../src/cli/shared/command.js';
import { recordMcpServer } from '../../../../src/mcp/mcp-server-index.js';
import { openMcpStore } from '../../../../src/mcp/mcp-store.js';
import { TokenStorage } from '../../../../src/storage/token-storage.js';
import { parseCommandLine } from '../../../helpers/recording-io.js';
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

  // README: the same exit code from every command for the same state; `status` exits 3 with no login.
  it('mcp status with no MCP login at all exits 3, as status does', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    expect(await cli(env, 'mcp', 'status', '--json')).toMatchObject({ code: 3, out: '[]\n' });
    expect((await cli(env, 'mcp', 'status')).code).toBe(ExitCode.NOT_LOGGED_IN);
  });

  it('mcp status exits with the worst state among the servers shown: re-login 4, unreadable 5', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await TokenStorage.fromStore(openMcpStore({ serverUrl: URL, env })).saveToken(
      oauthToken(3_600_000).with({ reauthRequired: true }),
    );
    await recordMcpServer('default', 'docs', URL, env);
    expect((await cli(env, 'mcp', 'status', '--json')).code).toBe(ExitCode.REAUTH_REQUIRED);
    expect((await cli(env, 'mcp', 'status')).code).toBe(ExitCode.REAUTH_REQUIRED);

    const other = 'https://other.example/mcp';
    const { location } = openMcpStore({ serverUrl: other, env }).describe();
    await mkdir(dirname(location), { recursive: true, mode: 0o700 });
    await writeFile(location, 'not json', { mode: 0o600 });
    await recordMcpServer('default', 'other', other, env);
    const both = await cli(env, 'mcp', 'status', '--json');
    expect(
      JSON.parse(both.out)
        .map((r: { state: string }) => r.state)
        .sort(),
    ).toEqual(['re-login required', 'unreadable']);
    expect(both.code).toBe(ExitCode.STORE_UNREADABLE);
    // Only the server shown decides.
    expect((await cli(env, 'mcp', 'status', 'docs')).code).toBe(ExitCode.REAUTH_REQUIRED);
  });
});

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseCommandLine(mcpCommand, argv, { CLAUDE_AUTH_DIR: '/nonexistent', ...env });

describe('claude-auth mcp: parsing', () => {
  it.each([
    [['token', 'docs'], {}, { sub: 'token', profile: 'default', server: 'docs' }],
    [
      ['token', 'docs', '--min-ttl', '60'],
      {},
      { sub: 'token', profile: 'default', server: 'docs', minTtlMs: 60_000 },
    ],
    [['headers'], { CLAUDE_AUTH_PROFILE: 'ci' }, { sub: 'headers', profile: 'ci' }],
    [['status', '--json'], {}, { sub: 'status', profile: 'default', json: true }],
    [
      ['status', 'docs', '-p', 'work'],
      {},
      { sub: 'status', profile: 'work', server: 'docs', json: false },
    ],
    [
      ['logout', 'docs'],
      {},
      { sub: 'logout', profile: 'default', target: { all: false, server: 'docs' }, json: false },
    ],
    [
      ['logout', '--all', '-p', 'work'],
      {},
      { sub: 'logout', profile: 'work', target: { all: true }, json: false },
    ],
    [
      ['login', 'docs', URL],
      {},
      {
        sub: 'login',
        profile: 'default',
        name: 'docs',
        url: URL,
        device: false,
        noBrowser: false,
        json: false,
      },
    ],
    [
      [
        'login',
        'docs',
        URL,
        '--client-id',
        'c1',
        '--client-secret-file',
        '/s',
        '--scopes',
        ' a  b ',
        '--device',
        '--timeout',
        '5',
      ],
      {},
      {
        sub: 'login',
        profile: 'default',
        name: 'docs',
        url: URL,
        clientId: 'c1',
        clientSecretFile: '/s',
        scopes: ['a', 'b'],
        device: true,
        noBrowser: false,
        timeoutMs: 5000,
        json: false,
      },
    ],
    [
      ['login', 'docs', URL, '--client-metadata-url', 'https://c.example/client', '--no-browser'],
      {},
      {
        sub: 'login',
        profile: 'default',
        name: 'docs',
        url: URL,
        metadataUrl: 'https://c.example/client',
        device: false,
        noBrowser: true,
        json: false,
      },
    ],
  ])('%j (env %j) → %j', (argv, env, options) => {
    expect(parse(argv, env)).toEqual(options);
  });

  it.each([
    [[], 'expected one of login, status, logout, token, headers'],
    [['list'], 'expected one of login, status, logout, token, headers'],
    [['login', 'docs'], 'mcp login takes NAME URL'],
    [['login', 'docs', URL, 'extra'], 'too many arguments for mcp login'],
    [
      ['login', 'docs', URL, '--device', '--no-browser'],
      '--device and --no-browser exclude each other',
    ],
    [['login', 'docs', URL, '--client-secret-file', '/s'], 'needs --client-id'],
    [
      ['login', 'docs', URL, '--timeout', '-3'],
      '--timeout takes a number of seconds ≥ 0, not "-3"',
    ],
    [['logout'], 'mcp logout takes NAME or --all'],
    [['logout', 'docs', '--all'], 'mcp logout takes NAME or --all'],
    [['token', 'a', 'b'], 'too many arguments for mcp token'],
    [['token', 'a', '--min-ttl', '-1'], '--min-ttl takes a number of seconds ≥ 0, not "-1"'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });

  it('a client secret in the environment without --client-id is a usage error; blank is none', () => {
    expect(() =>
      parse(['login', 'docs', URL], { CLAUDE_AUTH_MCP_CLIENT_SECRET: 'shh-0123456789' }),
    ).toThrow('needs --client-id');
    expect(parse(['login', 'docs', URL], { CLAUDE_AUTH_MCP_CLIENT_SECRET: '  ' })).toMatchObject({
      sub: 'login',
    });
  });
});
