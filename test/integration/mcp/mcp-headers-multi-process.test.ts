import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../../../fixtures/built-cli.js';
import { McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { type RedisAclUser, RedisServer } from '../../../fixtures/redis-server.js';
import { childScript, startNode, waitForLine } from '../../helpers/child-process.js';
import { headlessMcpLogin } from '../../helpers/mcp-headless-login.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

const PROCESSES = 8;
/** Each process runs until it has seen this many tokens: two refreshes of a 10-second token. */
const DISTINCT_TOKENS = 3;
/** A bound on each process's calls, so the test ends whatever happens. */
const MAX_RUNS = 400;

const fleetUser: RedisAclUser = {
  name: 'fleet',
  password: `redis-pw-${randomBytes(12).toString('hex')}`,
  prefix: 'mcp-herd:',
};
let mcp: McpResourceServer;
let redis: RedisServer;
beforeAll(async () => {
  knownSecrets.add(fleetUser.password);
  [mcp, redis] = await Promise.all([
    McpResourceServer.start({ accessTokenTtl: 10 }),
    RedisServer.start({ users: [fleetUser] }),
  ]);
});
afterAll(async () => {
  await mcp?.close();
  redis?.stop();
});

async function privateFile(text: string): Promise<string> {
  const path = join(await tempDir(), 'secret');
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

/**
 * Where the processes keep the login. `file`: one storage directory on one
 * machine. `redis`: a shared Redis store, each process with a storage
 * directory of its own (another machine: no file lock or name index is
 * shared), reaching the store as Claude Code's helper does, through the
 * `*_FILE` variables only.
 */
const STORES = {
  file: async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    return { login: env, machine: async () => env };
  },
  redis: async () => {
    const storeKey = randomBytes(32).toString('base64');
    knownSecrets.add(storeKey);
    const shared = {
      CLAUDE_AUTH_STORE: redis
        .url({ prefix: fleetUser.prefix })
        .replace('redis://', `redis://${fleetUser.name}@`),
      CLAUDE_AUTH_REDIS_PASSWORD_FILE: await privateFile(fleetUser.password),
      CLAUDE_AUTH_STORE_KEY_FILE: await privateFile(storeKey),
    };
    const machine = async () => ({ ...shared, CLAUDE_AUTH_DIR: await tempDir() });
    return { login: await machine(), machine };
  },
} as const;

describe.each(Object.keys(STORES) as (keyof typeof STORES)[])(
  'claude-auth mcp headers from many processes, strict refresh-token rotation (%s store)',
  (store) => {
    it(`${PROCESSES} processes refresh 10-second tokens with no refresh token spent twice`, async () => {
      const stores = await STORES[store]();
      const { token: login } = await headlessMcpLogin(mcp, stores.login).login;
      // oidc-provider's types list only its own event names' payloads; these are documented events.
      const provider = mcp.authorizationServer.provider as unknown as NodeJS.EventEmitter;
      let refreshes = 0;
      const refused: string[] = [];
      const revokedGrants: string[] = [];
      const onSuccess = (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
        if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes++;
      };
      const onError = (_ctx: unknown, error: Error) => refused.push(error.message);
      const onRevoked = (_ctx: unknown, grantId: string) => revokedGrants.push(grantId);
      provider.on('grant.success', onSuccess);
      provider.on('grant.error', onError);
      provider.on('grant.revoked', onRevoked);
      try {
        const machines = await Promise.all(Array.from({ length: PROCESSES }, stores.machine));
        const children = machines.map((env) =>
          startNode(
            childScript('mcp-headers-loop.mjs'),
            [BUILT_CLI, String(DISTINCT_TOKENS), String(MAX_RUNS)],
            { ...process.env, ...env, CLAUDE_CODE_MCP_SERVER_URL: mcp.url },
          ),
        );
        await Promise.all(children.map((child) => waitForLine(child, (line) => line === 'ready')));
        const reports = children.map((child) => waitForLine(child, (line) => line.startsWith('{')));
        for (const child of children) child.stdin?.write('go\n');
        const results = (await Promise.all(reports)).map(
          (line) => JSON.parse(line) as { tokens: string[]; failures: string[] },
        );

        expect(results.flatMap((result) => result.failures)).toEqual([]);
        for (const result of results) expect(new Set(result.tokens).size).toBe(DISTINCT_TOKENS);
        // Strict rotation: a refresh token presented twice would be refused and its grant revoked.
        expect(refused).toEqual([]);
        expect(revokedGrants).toEqual([]);
        // One refresh per new token, whatever the number of processes: each one a process
        // printed, plus the one that replaced the login's (unprinted when it was due at start).
        const printed = new Set(results.flatMap((result) => result.tokens));
        expect(refreshes).toBe(printed.size - (printed.has(login.accessToken) ? 1 : 0));
        const last = results.flatMap((result) => result.tokens).at(-1) as string;
        expect(await mcp.authorizationServer.introspect(last)).toMatchObject({ aud: mcp.url });
      } finally {
        provider.off('grant.success', onSuccess);
        provider.off('grant.error', onError);
        provider.off('grant.revoked', onRevoked);
      }
    }, 120_000);
  },
);
