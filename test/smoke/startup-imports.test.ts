// What a command's start-up path loads, recorded by a loader hook in the built
// CLI's own process: `token` and `status` run once per request (apiKeyHelper,
// scripts, MCP connects), so each module they do not need is start-up time and
// memory spent for nothing (issue 23).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_CLI, runBuiltCli } from '../../fixtures/built-cli.js';
import { PACKAGE_ROOT } from '../../fixtures/package-root.js';
import { openMcpStore } from '../../src/mcp/mcp-store.js';
import { TokenStorage } from '../../src/storage/token-storage.js';
import { tempDir } from '../helpers/temp-dir.js';
import { oauthToken } from '../helpers/tokens.js';

const RECORDER = join(PACKAGE_ROOT, 'test', 'helpers', 'children', 'record-imports.mjs');

/** Packages that only some commands or backends need, none of them `token` or `status` on the file store. */
const NOT_AT_START_UP = [
  'ioredis',
  '@napi-rs/keyring',
  '@lydell/node-pty',
  '@xterm/headless',
  'oauth4webapi',
  'undici',
  '@anthropic-ai/claude-agent-sdk',
];

/**
 * Node builtins that only the keychain backend (`node:worker_threads`) or a
 * write, a login or the Redis backend (`node:crypto`) need: neither is in
 * Node's start-up snapshot, so each costs a file-store command milliseconds.
 */
const BUILTINS_NOT_AT_START_UP = ['node:worker_threads', 'node:crypto'];

/**
 * What `token` and `mcp headers` on a fresh token (the fast answer) load
 * beyond those: `node:fs/promises` (a fifth of `node -e 0`: the answer reads
 * with synchronous calls), `node:net` (a piped stdout creates a socket; the
 * answer writes on the descriptor), `node:util` (the CLI's argument parser)
 * and `node:child_process`.
 */
const BUILTINS_NOT_IN_FAST_ANSWER = [
  ...BUILTINS_NOT_AT_START_UP,
  'node:fs/promises',
  'node:net',
  'node:stream',
  'node:util',
  'node:child_process',
];

/** The bin's files among `urls`: the entry and the chunks it required. */
function binFiles(urls: readonly string[]): string[] {
  return [
    ...new Set(
      urls
        .map((url) => /\/dist\/bin\/([^/]+\.cjs)$/.exec(url)?.[1])
        .filter((file) => file !== undefined),
    ),
  ];
}

/** The MCP server whose stored login `mcp headers` reads. */
const MCP_SERVER = 'https://mcp.startup-imports.invalid/mcp';

/** A home whose default profile holds a gateway token valid for an hour (nothing to refresh). */
async function homeWithFreshToken() {
  const home = await tempDir('startup-imports-');
  const token = oauthToken(3_600_000);
  await new TokenStorage(join(home, 'store', 'tokens.json'), 'default').saveToken(token);
  return { home, token, env: { HOME: home, CLAUDE_AUTH_DIR: join(home, 'store') } };
}

/** Runs the built CLI with the recorder preloaded: its result and the URLs it loaded. */
async function runRecorded(args: string[], home: string, env: Record<string, string>) {
  const out = join(home, 'imports.txt');
  await writeFile(out, '');
  const run = await runBuiltCli(args, {
    ...env,
    NODE_OPTIONS: `--import=${RECORDER}`,
    RECORD_IMPORTS_TO: out,
  });
  const urls = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
  return { run, urls };
}

/**
 * The packages of {@link NOT_AT_START_UP} among `urls`. The OAuth engine is
 * `oauth4webapi`: every module of ours that uses it imports it at the top.
 */
function unneeded(urls: readonly string[]): string[] {
  return urls.filter((url) =>
    NOT_AT_START_UP.some((name) => url.includes(`/node_modules/${name}/`)),
  );
}

/** The builtins of `names` among `urls`. */
function builtinsAmong(urls: readonly string[], names: readonly string[]): string[] {
  return urls.filter((url) => names.includes(url));
}

describe('what the start-up path of a command loads', () => {
  it('`token` on a fresh token loads the entry and the fast answer only: no CLI, OAuth engine, store client, stream or fs/promises', async () => {
    const { home, token, env } = await homeWithFreshToken();
    const { run, urls } = await runRecorded(['token'], home, env);
    expect(run).toMatchObject({ code: 0, stdout: `${token.accessToken}\n` });
    expect(binFiles(urls)).toEqual([
      'claude-auth.cjs',
      expect.stringMatching(/^fast-answer-[\w-]+\.cjs$/),
    ]);
    expect(unneeded(urls)).toEqual([]);
    expect(builtinsAmong(urls, BUILTINS_NOT_IN_FAST_ANSWER)).toEqual([]);
  });

  it('`token` on a token the refresh policy calls due goes on to the CLI (and still loads no OAuth engine until it refreshes)', async () => {
    const home = await tempDir('startup-imports-');
    const env = { HOME: home, CLAUDE_AUTH_DIR: join(home, 'store') };
    // A year's subscription token with 10 days left: its renewal is due, so the CLI answers.
    const now = Date.now();
    const token = oauthToken(10 * 86_400_000, now, {
      kind: 'claude-subscription',
      refreshToken: undefined,
      provider: undefined,
      obtainedAt: new Date(now - 355 * 86_400_000),
    });
    await new TokenStorage(join(home, 'store', 'tokens.json'), 'default').saveToken(token);
    const { run, urls } = await runRecorded(['token'], home, env);
    expect(run).toMatchObject({ code: 0, stdout: `${token.accessToken}\n` });
    expect(binFiles(urls)).toContainEqual(expect.stringMatching(/^run-cli-[\w-]+\.cjs$/));
    expect(unneeded(urls)).toEqual([]);
  });

  it('`status --json` on the file store loads none of them either', async () => {
    const { home, env } = await homeWithFreshToken();
    const { run, urls } = await runRecorded(['status', '--json'], home, env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).profiles[0]).toMatchObject({ state: 'valid' });
    expect(urls).toContainEqual(expect.stringMatching(/\/dist\/bin\/claude-auth\.cjs$/));
    expect(unneeded(urls)).toEqual([]);
    expect(builtinsAmong(urls, BUILTINS_NOT_AT_START_UP)).toEqual([]);
  });

  it('`mcp headers` on a fresh stored MCP login loads none of them either', async () => {
    const { home, env } = await homeWithFreshToken();
    const token = oauthToken(3_600_000);
    await TokenStorage.fromStore(openMcpStore({ serverUrl: MCP_SERVER, env })).saveToken(token);
    const { run, urls } = await runRecorded(['mcp', 'headers'], home, {
      ...env,
      CLAUDE_CODE_MCP_SERVER_URL: MCP_SERVER,
    });
    expect(run).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toEqual({ Authorization: `Bearer ${token.accessToken}` });
    expect(binFiles(urls)).toEqual([
      'claude-auth.cjs',
      expect.stringMatching(/^fast-answer-[\w-]+\.cjs$/),
    ]);
    expect(unneeded(urls)).toEqual([]);
    // The server's login is named by a SHA-256 of its URL, claude-auth's own: no node:crypto.
    expect(builtinsAmong(urls, BUILTINS_NOT_IN_FAST_ANSWER)).toEqual([]);
  });

  it('the recorder sees a package when a command does load one: the Redis client for a redis:// store', async () => {
    const { home, env } = await homeWithFreshToken();
    const key = join(home, 'store.key');
    await writeFile(key, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    // Port 1 on loopback: nothing listens, so the connection fails after the client loaded.
    const { urls } = await runRecorded(['status', '--json'], home, {
      ...env,
      CLAUDE_AUTH_STORE: 'redis://127.0.0.1:1',
      CLAUDE_AUTH_STORE_KEY_FILE: key,
    });
    expect(unneeded(urls)).toContainEqual(expect.stringContaining('/node_modules/ioredis/'));
    expect(builtinsAmong(urls, BUILTINS_NOT_AT_START_UP)).toContain('node:crypto');
  });

  it("the bin's entry requires no file of ours before it turns Node's compile cache on", async () => {
    // A chunk required at the entry's top would be compiled before enableCompileCache runs,
    // so never from the cache: what a module shared by the entry and a chunk leads to.
    const entry = await readFile(BUILT_CLI, 'utf8');
    const enabled = entry.indexOf('enableCompileCache');
    expect(enabled).toBeGreaterThan(0);
    const firstOwnRequire = entry.search(/require\(["']\.\//);
    expect(firstOwnRequire).toBeGreaterThan(enabled);
  });
});
