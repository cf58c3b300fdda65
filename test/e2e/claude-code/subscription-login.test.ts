import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { locateClaudeBinary } from '../../../src/claude-code/claude-binary.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { login, logout } from '../../../src/login/login.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { AnthropicEmulator } from '../../helpers/anthropic-emulator.js';
import { childScript } from '../../helpers/child-process.js';
import { CLI, runCliProcess } from '../../helpers/cli-process.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
let emulator: AnthropicEmulator;
let home: string;
let storage: TokenStorage;

beforeAll(async () => {
  emulator = await AnthropicEmulator.start();
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  emulator.tokenEndpointFailure = undefined;
  home = await tempDir('claude-home-');
  await mkdir(join(home, '.claude'));
  storage = new TokenStorage(join(home, '.claude_code', 'tokens.json'), 'default');
});

/** The official CLI's environment: temp HOME, the emulator as Anthropic, no telemetry. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...emulator.env,
    ...extra,
  };
}

/**
 * Starts a subscription login with no browser, as over SSH, and waits for the
 * sign-in link the CLI prints (a terminal hyperlink, OSC 8, whose target is
 * what a click opens).
 */
async function startPasteLogin() {
  const screen = capturedOutput();
  const input = capturedOutput();
  const pending = login({
    env: cliEnv({ CLAUDE_CODE_FULL_SIGN_IN_LINK: '1' }),
    storage,
    claudeCli: { input: input.stream, output: screen.stream },
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an OSC 8 hyperlink is what it matches
  const link = /\u001b\]8;[^;]*;(https:\/\/[^\u0007\u001b]+\/oauth\/authorize\?[^\u0007\u001b]+)/;
  await expect.poll(() => link.test(screen.text()), { timeout: 20_000 }).toBe(true);
  const url = new URL((link.exec(screen.text()) as RegExpExecArray)[1] as string);
  return { screen, input, pending, url };
}

/** The `claude setup-token` processes still running with `home` as their HOME. */
async function setupTokenProcessesOf(home: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes('setup-token') && environ.split('\0').includes(`HOME=${home}`))
        found.push(pid);
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return found;
}

describe('Claude subscription login through the real `claude setup-token`', () => {
  it('captures the token in a PTY, stores it 0600 for a year, hides it from the screen, and it works for a real `claude -p`', async () => {
    const screen = capturedOutput();
    const input = capturedOutput();
    const token = await login({
      env: cliEnv({ BROWSER: childScript('redirect-following-browser.mjs') }),
      storage,
      claudeCli: { input: input.stream, output: screen.stream },
    });
    expect(token.kind).toBe('claude-subscription');
    expect(token.accessToken).toBe(emulator.issuedTokens.at(-1));
    expect(token.refreshToken).toBeUndefined();
    expect(token.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    expect((await stat(storage.path)).mode & 0o777).toBe(0o600);
    expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
    expect(screen.text()).toContain('Long-lived');
    expect(screen.text()).not.toContain(token.accessToken);
    expect(emulator.refusedConnects).toEqual([]);

    const before = emulator.requests.length;
    const binary = await locateClaudeBinary();
    await run(binary, ['-p', 'Hello', '--setting-sources', ''], {
      env: { ...cliEnv(), CLAUDE_CODE_OAUTH_TOKEN: token.accessToken } as NodeJS.ProcessEnv,
    });
    const messages = emulator.requests.slice(before).filter((r) => r.path === '/v1/messages');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((r) => r.headers.authorization === `Bearer ${token.accessToken}`)).toBe(
      true,
    );
  }, 60_000);

  it('completes by the pasted code when no browser can open', async () => {
    const { screen, input, pending, url } = await startPasteLogin();
    const { code, state } = emulator.approve(url);
    // As a person types: the code, then Enter once the field shows it (it echoes the last characters).
    const echoFrom = screen.text().length;
    input.stream.write(`${code}#${state}`);
    await expect.poll(() => screen.text().slice(echoFrom).includes(state.slice(-6))).toBe(true);
    input.stream.write('\r');
    const token = await pending;
    expect(token.accessToken).toBe(emulator.issuedTokens.at(-1));
    expect((await storage.loadToken())?.accessToken).toBe(token.accessToken);
  }, 60_000);

  it("stores nothing when the token endpoint fails, and reports the CLI's own words", async () => {
    emulator.tokenEndpointFailure = 400;
    const screen = capturedOutput();
    const error = await login({
      env: cliEnv({ BROWSER: childScript('redirect-following-browser.mjs') }),
      storage,
      claudeCli: { input: capturedOutput().stream, output: screen.stream },
    }).catch((e) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.CLI_LOGIN_FAILED });
    expect(error.message.length).toBeGreaterThan(40);
    expect(await storage.loadToken()).toBeNull();
  }, 60_000);

  it('stores nothing when the user presses Ctrl-C', async () => {
    const { input, pending } = await startPasteLogin();
    input.stream.write('\u0003');
    await expect(pending).rejects.toMatchObject({ code: AuthErrorCode.LOGIN_ABORTED });
    expect(await storage.loadToken()).toBeNull();
  }, 60_000);

  it('`claude-auth refresh --force` renews a subscription token through the official login', async () => {
    const env = {
      ...cliEnv({ BROWSER: childScript('redirect-following-browser.mjs') }),
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
    };
    await login({ withToken: `sk-ant-oat01-${'O'.repeat(90)}AA`, storage });
    const notDue = await runCliProcess(['refresh'], env);
    expect(notDue.stderr).toMatch(/nothing to do/);
    const forced = await runCliProcess(['refresh', '--force', '--json'], env);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      refreshed: true,
      credential: { kind: 'claude-subscription' },
    });
    expect((await storage.loadToken())?.accessToken).toBe(emulator.issuedTokens.at(-1));
    expect(forced.stdout + forced.stderr).not.toContain(emulator.issuedTokens.at(-1));
  }, 60_000);

  it('`refresh --force` on a subscription profile renews through the official login even when CLAUDE_OAUTH_* is set', async () => {
    const env = {
      ...cliEnv({ BROWSER: childScript('redirect-following-browser.mjs') }),
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      // A gateway configured for other profiles: the stored kind decides, not this.
      CLAUDE_OAUTH_CLIENT_ID: 'gateway-client',
      CLAUDE_OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:9/authorize',
      CLAUDE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
    };
    await login({ withToken: `sk-ant-oat01-${'P'.repeat(90)}AA`, storage });
    const forced = await runCliProcess(['refresh', '--force', '--json'], env);
    expect(forced.code).toBe(0);
    const stored = await storage.loadToken();
    expect(stored).toMatchObject({ kind: 'claude-subscription' });
    expect(stored?.provider).toBeUndefined();
    expect(stored?.accessToken).toBe(emulator.issuedTokens.at(-1));
  }, 60_000);

  it('`login --timeout 2` bounds the whole subscription login: LOGIN_TIMEOUT, the official CLI killed, nothing stored (issue 19 defect 16)', async () => {
    // A browser that "opens" and never signs in, and no keystrokes (stdin at EOF): only the timeout ends it.
    const env = { ...cliEnv({ BROWSER: 'true' }), CLAUDE_AUTH_DIR: join(home, '.claude_code') };
    const run = await runCliProcess(['login', '--timeout', '2', '--json'], env);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.code).toBe(AuthErrorCode.LOGIN_TIMEOUT);
    expect(run.stderr).toMatch(/did not finish within 2 s/);
    expect(await storage.loadToken()).toBeNull();
    expect(await setupTokenProcessesOf(home)).toEqual([]);
  }, 30_000);

  it("the README's `claude setup-token | claude-auth login --with-token` stores the token the official CLI printed (issue 19 defect 4)", async () => {
    const env = {
      ...cliEnv({ BROWSER: childScript('redirect-following-browser.mjs') }),
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
    };
    const binary = await locateClaudeBinary();
    // As typed at a terminal: `script` gives the pipeline one, so only the pipe between them is not.
    const pipeline = `'${binary}' setup-token | '${process.execPath}' '${CLI}' login --with-token`;
    const { stdout } = await run('script', ['-qec', pipeline, '/dev/null'], {
      env: env as NodeJS.ProcessEnv,
    });
    const issued = emulator.issuedTokens.at(-1) as string;
    expect((await storage.loadToken())?.accessToken).toBe(issued);
    expect(stdout).toMatch(/Logged in to profile "default"/);
    // The official screen still reaches the terminal (through claude-auth), its token hidden.
    expect(stdout).toContain('Long-lived authentication token created');
    expect(stdout).toContain('captured and stored by claude-auth');
    expect(stdout).not.toContain(issued.slice(13, 60));
  }, 60_000);

  it('says how to install Claude Code when the binary is missing', async () => {
    await expect(
      login({ env: cliEnv({ CLAUDE_AUTH_CLAUDE_PATH: join(home, 'no-such-claude') }), storage }),
    ).rejects.toMatchObject({
      code: AuthErrorCode.CLI_NOT_FOUND,
    });
    expect(await storage.loadToken()).toBeNull();
  });
});

describe('storing a token the user already has', () => {
  const TOKEN = `sk-ant-oat01-${'T'.repeat(90)}AA`;

  it('stores a token given with --with-token, and refuses a garbled one without echoing it', async () => {
    const stored = await login({ withToken: `  ${TOKEN}\n`, storage });
    expect(stored.accessToken).toBe(TOKEN);
    for (const bad of [
      '',
      'sk-ant-oat01-short',
      // Two different tokens: which one was meant cannot be told.
      `${TOKEN}\n${TOKEN.replace('TTTT', 'UUUU')}`,
      `sk-ant-api03-${'k'.repeat(60)}`,
    ]) {
      const error = await login({ withToken: bad, storage }).catch((e) => e);
      expect(error).toMatchObject({ code: AuthErrorCode.CONFIG_INVALID });
      if (bad.length > 12) expect(error.message).not.toContain(bad.trim());
    }
    expect((await storage.loadToken())?.accessToken).toBe(TOKEN);
  });

  it('imports CLAUDE_CODE_OAUTH_TOKEN into a profile', async () => {
    const stored = await login({
      importFromEnv: true,
      env: { CLAUDE_CODE_OAUTH_TOKEN: TOKEN },
      storage,
    });
    expect(stored.kind).toBe('claude-subscription');
    await expect(login({ importFromEnv: true, env: {}, storage })).rejects.toMatchObject({
      code: AuthErrorCode.NO_CREDENTIALS,
    });
  });

  it('logs out locally and says where to revoke a subscription token', async () => {
    await login({ withToken: TOKEN, storage });
    expect(await logout({ storage })).toEqual({
      removed: true,
      revoked: false,
      revokeAt: 'https://claude.ai/settings/claude-code',
    });
    expect(await storage.loadToken()).toBeNull();
  });
});
