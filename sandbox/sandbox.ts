// The offline sandbox: the whole story with real parts and no network — a
// local OpenID provider acting as your company's gateway login, a local
// Claude API stand-in behind it, the real Claude Code binary, a headless
// browser as you — told as a transcript.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryWithOAuth } from '../src/query/queries.js';
import { signInAsUser, TestBrowser } from '../test/helpers/browser.js';
import { runCliProcess as runCli } from '../test/helpers/cli-process.js';
import { MessagesApi } from '../test/helpers/messages-api.js';
import { NATIVE_CLIENT_ID, OidcServer, TEST_USER } from '../test/helpers/oidc-server.js';
import { signInWithoutBrowser } from './scripted-user-agent.js';

/** The package root: this file runs from sandbox/ (tests) and from .tools-build/sandbox/ (npm start). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir)
      throw new Error('the sandbox must run inside the claude-auth package');
    dir = dirname(dir);
  }
  return dir;
}

const ROOT = packageRoot();
const RECORDING_BROWSER = join(ROOT, 'test', 'helpers', 'children', 'url-recording-browser.mjs');
const CHROMIUM = '/usr/bin/chromium';

/** Options for {@link runSandbox}. */
export interface SandboxOptions {
  /** Where the transcript goes (default stdout). */
  output?: NodeJS.WritableStream;
  /** Use the scripted user agent even when Chromium is installed. */
  withoutBrowser?: boolean;
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
  const useBrowser = options.withoutBrowser !== true && existsSync(CHROMIUM);
  const browser = useBrowser ? await TestBrowser.launch() : undefined;
  let ok = true;
  const check = (condition: boolean, text: string) => {
    say(`    ${condition ? '✓' : '✗'} ${text}`);
    ok &&= condition;
  };
  try {
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
      BROWSER: RECORDING_BROWSER,
      BROWSER_URL_FILE: urlFile,
    };
    say(
      'claude-auth sandbox — everything below runs on this machine, offline, in a temporary HOME:',
    );
    say(`  ${home}`);
    say(`  OpenID provider (your gateway's login): ${oidc.issuer}`);
    say(`  Claude API stand-in (your gateway):     ${api.url}`);
    say(
      `  The user: ${useBrowser ? `headless Chromium (${CHROMIUM})` : 'a scripted user agent (no Chromium in use)'}`,
    );

    step(
      1,
      '$ claude-auth login --provider    (CLAUDE_OAUTH_ISSUER and CLAUDE_OAUTH_CLIENT_ID are set)',
    );
    const login = runCli(['login', '--provider', '--timeout', '60'], env);
    let url = '';
    for (let waited = 0; url === '' && waited < 300; waited++) {
      url = (await readFile(urlFile, 'utf8').catch(() => '')).trim();
      if (url === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    say(
      `    The CLI opened the browser at ${new URL(url).origin}${new URL(url).pathname} (PKCE S256, state, loopback redirect)`,
    );
    if (browser) await signInAsUser(await browser.context.newPage(), url);
    else await signInWithoutBrowser(url, TEST_USER.login);
    say(`    The user signed in as ${TEST_USER.login} and approved access.`);
    const loggedIn = await login;
    say(indent(loggedIn.stderr));
    check(loggedIn.code === 0, 'logged in; tokens stored in ~/.claude_code/tokens.json (0600)');

    step(2, '$ claude-auth status');
    const status = await runCli(['status'], env);
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
    const refresh = await runCli(['refresh'], env);
    say(indent(refresh.stderr));
    check(
      refresh.code === 0,
      'refreshed; the new refresh token was stored before the new access token was used',
    );

    step(5, '$ claude-auth logout');
    const token = (await runCli(['token'], env)).stdout.trim();
    const logout = await runCli(['logout'], env);
    say(indent(logout.stderr));
    check(
      !(await oidc.introspect(token)).active,
      'the provider reports the token inactive (RFC 7009 revocation)',
    );
    const after = await runCli(['status'], env);
    check(after.code === 3, 'status now says "not logged in" (exit 3)');
  } catch (error) {
    ok = false;
    say(`\n✗ The sandbox failed: ${(error as Error).message}`);
  } finally {
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
