// The agent SDK is a peer dependency: the application installs the version it
// wants, and claude-auth runs its queries through that one copy. Here in a real
// project made from the packed tarball, with the lowest version of the range,
// the newest this repository pins (its devDependency, moved to each release),
// and one outside the range. Each install costs ~20-40 s from npm's cache.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesApi } from '../../../fixtures/messages-api.js';
import { OAUTH_BETA } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { AGENT_SDK, parseVersionRange } from '../../../src/query/agent-sdk-version.js';
import { claudeSandbox, subscriptionToken } from '../../helpers/claude-code-env.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;
const range = parseVersionRange(manifest.peerDependencies[AGENT_SDK]);

/** A query through claude-auth in the application, printing what came back as JSON. */
const QUERY_SCRIPT = `
import { queryWithOAuth } from 'claude-auth';
const out = { result: null, error: null };
try {
  for await (const m of queryWithOAuth({ prompt: 'Hello', options: { env: JSON.parse(process.env.QUERY_ENV) } }))
    if (m.type === 'result') out.result = m.result;
} catch (error) {
  out.error = { code: error.code, message: error.message };
}
console.log(JSON.stringify(out));
`;

let api: MessagesApi;
let packDir: string;
let tarball: string;
beforeAll(async () => {
  api = await MessagesApi.start();
  packDir = await mkdtemp(join(tmpdir(), 'sdk-peer-pack-'));
  // --ignore-scripts: packing must not rebuild dist/ while other tests run it.
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'],
    { cwd: root },
  );
  tarball = join(packDir, stdout.trim().split('\n').at(-1) as string);
}, 120_000);
afterAll(async () => {
  api?.close();
  await rm(packDir, { recursive: true, force: true });
});

/** A project that installed claude-auth's tarball and the agent SDK at `version`. */
async function appWith(version: string, extraFlags: string[] = []) {
  const app = await tempDir('sdk-peer-app-');
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  await writeFile(join(app, 'query.mjs'), QUERY_SCRIPT);
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...extraFlags,
      tarball,
      `${AGENT_SDK}@${version}`,
    ],
    { cwd: app },
  );
  return app;
}

/** Every installed copy of the agent SDK in `app`, as `npm ls` lists them. */
async function sdkCopies(app: string): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', AGENT_SDK, '--all', '--parseable'], { cwd: app });
  return [...new Set(stdout.trim().split('\n').filter(Boolean))];
}

/** Runs the query script in `app` against the Messages-API stand-in, with a stored subscription token. */
async function queryIn(app: string) {
  const sandbox = await claudeSandbox(api);
  const token = subscriptionToken();
  await sandbox.storage.saveToken(token);
  api.requests.length = 0;
  const { stdout } = await run(process.execPath, ['query.mjs'], {
    cwd: app,
    env: { PATH: process.env.PATH, QUERY_ENV: JSON.stringify(sandbox.env) },
  });
  return { token, out: JSON.parse(stdout.trim().split('\n').at(-1) as string) };
}

describe('the agent SDK as a peer dependency, in an application', () => {
  it.each([
    ['the lowest supported', range.lowest],
    ['the newest tested', manifest.devDependencies[AGENT_SDK] as string],
  ])(
    '%s version (%s): one copy installed, and a query runs through its Claude Code',
    async (_, version) => {
      const app = await appWith(version);
      expect(await sdkCopies(app)).toEqual([join(app, 'node_modules', ...AGENT_SDK.split('/'))]);
      const { token, out } = await queryIn(app);
      expect(out).toEqual({ result: api.reply, error: null });
      const messages = api.requests.filter((request) => request.path === '/v1/messages');
      expect(messages.length).toBeGreaterThan(0);
      for (const request of messages) {
        expect(request.headers.authorization).toBe(`Bearer ${token.accessToken}`);
        expect(String(request.headers['anthropic-beta'])).toContain(OAUTH_BETA);
      }
    },
    240_000,
  );

  it('refuses a version outside the range before starting Claude Code: SDK_UNSUPPORTED naming both', async () => {
    // npm itself refuses the peer conflict; an application that forces it gets claude-auth's answer.
    const app = await appWith('0.2.141', ['--legacy-peer-deps']);
    const { out } = await queryIn(app);
    expect(out.error).toEqual({
      code: AuthErrorCode.SDK_UNSUPPORTED,
      message: expect.stringContaining(`0.2.141 is installed; claude-auth supports ${range.text}`),
    });
    expect(api.requests).toEqual([]);
  }, 240_000);
});
