import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesApi } from '../../fixtures/messages-api.js';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { refreshProviderToken } from '../../src/oauth/provider-tokens.js';
import { queryWithApiKey, queryWithOAuth } from '../../src/query/queries.js';
import { TokenStorage } from '../../src/storage/token-storage.js';
import { AuthToken } from '../../src/token/auth-token.js';
import { claudeSandbox, collect } from '../helpers/claude-code-env.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { scriptedServer } from '../helpers/scripted-http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

// Canaries: obviously fake, unique, and easy to find anywhere they leak.
const CANARY_API_KEY = 'sk-ant-api03-CANARY-fake-api-key-0000';
const CANARY_SUBSCRIPTION = `sk-ant-oat01-CANARYsubscription${'0'.repeat(70)}AA`;
const CANARY_GATEWAY = 'canary-gateway-access-token-4f1c2b';
const CANARY_REFRESH = 'canary-gateway-refresh-token-9a8b7c';
const CANARIES = [CANARY_API_KEY, CANARY_SUBSCRIPTION, CANARY_GATEWAY, CANARY_REFRESH];

const leaks = (text: string) => CANARIES.filter((canary) => text.includes(canary));

/** The command lines of every process on the machine, as `ps` would show them. */
async function allCommandLines(): Promise<string> {
  const lines: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    lines.push(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''));
  }
  return lines.join('\n');
}

/** The environments of running Claude Code processes (where the credential belongs). */
async function claudeEnvironments(): Promise<string> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('claude-agent-sdk'))
      found.push(await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => ''));
  }
  return found.join('\n');
}

let api: MessagesApi;

/**
 * Makes the stand-in hold the next Messages request open until `release()`:
 * while it is held, the Claude Code process that sent it is certainly alive.
 * `arrived` gives the credential the request carried.
 */
function holdFirstMessagesRequest(): {
  arrived: Promise<string | undefined>;
  release: () => void;
} {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrive: (credential: string | undefined) => void = () => {};
  const arrived = new Promise<string | undefined>((resolve) => {
    arrive = resolve;
  });
  let first = true;
  api.respond = async ({ credential }) => {
    if (first) {
      first = false;
      arrive(credential);
      await released;
    }
    return 200;
  };
  return { arrived, release };
}

beforeAll(async () => {
  api = await MessagesApi.start();
});
afterAll(() => api?.close());

describe('secret hygiene: canary credentials appear nowhere observable but where they must', () => {
  it('never on the command line of Claude Code or any other process, only in its environment', async () => {
    const sandbox = await claudeSandbox(api);
    const gateway = new AuthToken({
      kind: 'oauth',
      accessToken: CANARY_GATEWAY,
      refreshToken: CANARY_REFRESH,
      expiresAt: new Date(Date.now() + 3_600_000),
      provider: { clientId: 'c', tokenEndpoint: 'http://127.0.0.1:9/token', apiBaseUrl: api.url },
    });
    const runs = [
      {
        secret: CANARY_API_KEY,
        start: () =>
          queryWithApiKey({
            prompt: 'Hello',
            apiKey: CANARY_API_KEY,
            options: { env: sandbox.env },
          }),
      },
      {
        secret: CANARY_SUBSCRIPTION,
        start: async () => {
          await sandbox.storage.saveToken(
            new AuthToken({
              kind: 'claude-subscription',
              accessToken: CANARY_SUBSCRIPTION,
              expiresAt: new Date(Date.now() + 86_400_000),
            }),
          );
          return queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } });
        },
      },
      {
        secret: CANARY_GATEWAY,
        start: async () => {
          await sandbox.storage.saveToken(gateway);
          return queryWithOAuth({ prompt: 'Hello', options: { env: sandbox.env } });
        },
      },
    ];
    for (const run of runs) {
      const held = holdFirstMessagesRequest();
      const finished = collect(await run.start());
      try {
        // Scanned while the stand-in holds Claude Code's request open: it is alive, waiting for us.
        const heldFirst = await Promise.race([
          held.arrived.then(() => true),
          finished.then(() => false),
        ]);
        expect(heldFirst, 'Claude Code ended without calling the Messages API').toBe(true);
        expect(await held.arrived).toBe(run.secret);
        expect(leaks(await allCommandLines())).toEqual([]);
        expect(await claudeEnvironments()).toContain(run.secret);
      } finally {
        held.release();
        api.respond = () => 200;
      }
      expect((await finished).error).toBeUndefined();
    }
  }, 60_000);

  it('never in CLI output, human or JSON, except from `claude-auth token`', async () => {
    const home = await tempDir('cli-home-');
    const env = {
      HOME: home,
      CLAUDE_AUTH_DIR: join(home, '.claude_code'),
      ANTHROPIC_API_KEY: CANARY_API_KEY,
    };
    const outputs: string[] = [];
    const record = async (args: string[], stdin?: string) => {
      const run = await runCliProcess(args, env, stdin);
      outputs.push(`$ ${args.join(' ')}\n${run.stdout}${run.stderr}`);
      return run;
    };
    await record(['login', '--with-token', '--json'], CANARY_SUBSCRIPTION);
    await record(['login', '--with-token'], `${CANARY_SUBSCRIPTION} garbled`);
    await record(['login', '--with-token', '--profile', 'other'], CANARY_API_KEY);
    await record(['status']);
    await record(['status', '--all', '--json']);
    await record(['refresh', '--json']);
    await record(['profiles', '--json']);
    await new TokenStorage(join(home, '.claude_code', 'gw.json')).saveToken(
      new AuthToken({
        kind: 'oauth',
        accessToken: CANARY_GATEWAY,
        refreshToken: CANARY_REFRESH,
        expiresAt: new Date(Date.now() - 1000),
        provider: {
          clientId: 'c',
          tokenEndpoint: 'http://127.0.0.1:9/token',
          revocationEndpoint: 'http://127.0.0.1:9/revoke',
        },
      }),
    );
    await record(['token', '--profile', 'gw']);
    await record(['refresh', '--profile', 'gw', '--json']);
    await record(['status', '--profile', 'gw', '--json']);
    await record(['logout', '--all', '--json']);
    expect(leaks(outputs.join('\n'))).toEqual([]);
    const token = await runCliProcess(['token', '--profile', 'x'], { ...env });
    expect(token.stdout).toBe('');
  });

  it('never in errors, their JSON or stacks, even when a server echoes the secret back', async () => {
    const base = await scriptedServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ error: 'invalid_request', error_description: `bad request: ${body}` }),
          );
      });
    });
    const token = new AuthToken({
      kind: 'oauth',
      accessToken: CANARY_GATEWAY,
      refreshToken: CANARY_REFRESH,
      expiresAt: new Date(0),
      provider: { clientId: 'c', tokenEndpoint: `${base}/token` },
    });
    const error = (await refreshProviderToken(token).catch((e) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(
      leaks(
        [
          error.message,
          error.stack,
          JSON.stringify(error),
          JSON.stringify(error.oauthError),
          String(error),
        ].join('\n'),
      ),
    ).toEqual([]);

    const sandbox = await claudeSandbox(api);
    api.respond = () => 401;
    const failed = await collect(
      queryWithApiKey({ prompt: 'Hello', apiKey: CANARY_API_KEY, options: { env: sandbox.env } }),
    );
    api.respond = () => 200;
    expect(failed.error).toBeInstanceOf(AuthenticationError);
    const e = failed.error as AuthenticationError;
    expect(leaks([e.message, e.stack, JSON.stringify(e)].join('\n'))).toEqual([]);
    expect(leaks(JSON.stringify(failed.messages))).toEqual([]);
  }, 60_000);
});
