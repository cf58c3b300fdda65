// The offline sandbox: the whole story with real parts and no network — a
// local OpenID provider acting as your company's gateway login, a local
// Claude API stand-in behind it, the real Claude Code binary, a headless
// browser as you — told as a transcript.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findChromium, signInAsUser, TestBrowser } from '../fixtures/browser.js';
import { type CliRun, runBuiltCli, URL_RECORDING_BROWSER } from '../fixtures/built-cli.js';
import { MessagesApi } from '../fixtures/messages-api.js';
import { NATIVE_CLIENT_ID, OidcServer, TEST_USER } from '../fixtures/oidc-server.js';
import { queryWithOAuth } from '../src/query/queries.js';
import { signInWithoutBrowser } from './scripted-user-agent.js';

/** A CLI step that did not end as the story needs, in the child's own words. */
function failure(args: readonly string[], run: CliRun): Error {
  const said = `${run.stderr}${run.stdout}`.trim() || '(it printed nothing)';
  return new Error(`claude-auth ${args.join(' ')} exited with ${run.code}:\n${said}`);
}

/**
 * The URL the CLI opened: the recording `$BROWSER` is a separate process that
 * only writes a file, so the file is polled (the caller races this against
 * the CLI ending).
 */
async function waitForOpenedUrl(urlFile: string, signal: AbortSignal): Promise<URL> {
  for (let waited = 0; waited < 600; waited++) {
    const url = (await readFile(urlFile, 'utf8').catch(() => '')).trim();
    if (url !== '') return new URL(url);
    await delay(100, undefined, { signal });
  }
  throw new Error('claude-auth login did not open a browser within 60 s');
}

/** Options for {@link runSandbox}. */
export interface SandboxOptions {
  /** Where the transcript goes (default stdout). */
  output?: NodeJS.WritableStream;
  /**
   * Who signs in: headless Chromium (fails when none is installed), or the
   * scripted user agent. Default: Chromium when one is found, else scripted.
   */
  user?: 'chromium' | 'scripted';
  /** The CLI entry to run (default: the built one, `dist/bin/claude-auth.cjs`). */
  cli?: string;
}

/**
 * Runs the sandbox and tells what happens.
 *
 * @returns Whether every step succeeded.
 */
export async function runSandbox(options: SandboxOptions = {}): Promise<boolean> {
  const out = options.output ?? process.stdout;
  const say = (text = '') => out.write(`${text}\n`);
  const indent = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
  const step = (n: number, text: string) => say(`\n[${n}] ${text}`);
  const home = await mkdtemp(join(tmpdir(), 'claude-auth-sandbox-'));
  const oidc = await OidcServer.start({ accessTokenTtl: 600 });
  const api = await MessagesApi.start();
  const chromium = findChromium();
  let browser: TestBrowser | undefined;
  // Ends the wait for the browser URL when the story stops, so a failed `npm start` exits at once.
  const stopWaiting = new AbortController();
  let ok = true;
  const check = (condition: boolean, text: string) => {
    say(`    ${condition ? '✓' : '✗'} ${text}`);
    ok &&= condition;
  };
  const passed = (text: string) => check(true, text);
  try {
    const user = options.user ?? (chromium === undefined ? 'scripted' : 'chromium');
    if (user === 'chromium') browser = await TestBrowser.launch();
    // The stand-in plays your company's gateway: it accepts only tokens the provider says are active.
    api.respond = async ({ credential }) =>
      (await oidc.introspect(credential ?? '')).active ? 200 : 401;
    api.reply = 'Hello! I reached you through your gateway token.';
    await mkdir(join(home, '.claude'));
    const urlFile = join(home, 'opened-urls.txt');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_OAUTH_ISSUER: oidc.issuer,
      CLAUDE_OAUTH_CLIENT_ID: NATIVE_CLIENT_ID,
      CLAUDE_OAUTH_REDIRECT_URI: 'http://localhost:0/callback',
      CLAUDE_OAUTH_SCOPES: 'openid email profile offline_access',
      CLAUDE_OAUTH_API_BASE_URL: api.url,
      BROWSER: URL_RECORDING_BROWSER,
      BROWSER_URL_FILE: urlFile,
    };
    // Every CLI step must end as the story needs; else the story stops there with the child's own error.
    const cli = async (args: readonly string[], exitCode = 0) => {
      const run = await runBuiltCli(args, env, undefined, options.cli);
      if (run.code !== exitCode) throw failure(args, run);
      return run;
    };
    say(
      'claude-auth sandbox — everything below runs on this machine, offline, in a temporary HOME:',
    );
    say(`  ${home}`);
    say(`  OpenID provider (your gateway's login): ${oidc.issuer}`);
    say(`  Claude API stand-in (your gateway):     ${api.url}`);
    say(
      `  The user: ${browser ? `headless Chromium (${chromium})` : 'a scripted user agent (no Chromium in use)'}`,
    );

    step(
      1,
      '$ claude-auth login --provider    (CLAUDE_OAUTH_ISSUER and CLAUDE_OAUTH_CLIENT_ID are set)',
    );
    const loginArgs = ['login', '--provider', '--timeout', '60'];
    const login = runBuiltCli(loginArgs, env, undefined, options.cli);
    // From here on, a login that ends badly stops the story at once with its own error.
    const loginFailed = login.then((run) =>
      run.code === 0 ? new Promise<never>(() => {}) : Promise.reject(failure(loginArgs, run)),
    );
    loginFailed.catch(() => {});
    const url = await Promise.race([waitForOpenedUrl(urlFile, stopWaiting.signal), loginFailed]);
    say(
      `    The CLI opened the browser at ${url.origin}${url.pathname} (PKCE S256, state, loopback redirect)`,
    );
    const signIn = browser
      ? signInAsUser(await browser.context.newPage(), url.href)
      : signInWithoutBrowser(url.href, TEST_USER.login);
    signIn.catch(() => {});
    await Promise.race([signIn, loginFailed]);
    say(`    The user signed in as ${TEST_USER.login} and approved access.`);
    const loggedIn = await Promise.race([login, loginFailed]);
    say(indent(loggedIn.stderr));
    passed('logged in; tokens stored in ~/.claude_code/tokens.json (0600)');

    step(2, '$ claude-auth status');
    const status = await cli(['status']);
    say(indent(status.stdout));

    step(3, 'queryWithOAuth({ prompt: "Say hello" }) — through the real Claude Code binary');
    let reply = '';
    for await (const message of queryWithOAuth({
      prompt: 'Say hello',
      options: { env: env as Record<string, string> },
    })) {
      if (message.type === 'assistant') {
        for (const block of message.message.content) if (block.type === 'text') reply += block.text;
      }
    }
    say(`    Claude: ${reply}`);
    const seen = api.messageRequests.at(-1);
    check(
      seen?.status === 200 && seen.headers.authorization?.startsWith('Bearer ') === true,
      'the gateway received Authorization: Bearer <the stored token> and accepted it',
    );

    step(4, '$ claude-auth refresh    (a forced refresh: the provider rotates the refresh token)');
    const refresh = await cli(['refresh']);
    say(indent(refresh.stderr));
    passed('refreshed; the new refresh token was stored before the new access token was used');

    step(5, '$ claude-auth logout');
    const token = (await cli(['token'])).stdout.trim();
    const logout = await cli(['logout']);
    say(indent(logout.stderr));
    check(
      token !== '' && !(await oidc.introspect(token)).active,
      'the provider reports the token inactive (RFC 7009 revocation)',
    );
    await cli(['status'], 3);
    passed('status now says "not logged in" (exit 3)');
  } catch (error) {
    ok = false;
    say(`\n✗ The sandbox failed: ${(error as Error).message}`);
  } finally {
    stopWaiting.abort();
    await browser?.close();
    await api.close();
    await oidc.close();
    await rm(home, { recursive: true, force: true });
  }
  say(
    `\n${ok ? '✓ Done.' : '✗ Something failed (see above).'} The temporary HOME was removed; your own ~/.claude_code and ~/.claude were never touched.`,
  );
  return ok;
}
