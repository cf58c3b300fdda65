import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../../src/login/login.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { childScript, startNode, waitForLine } from '../../helpers/child-process.js';
import {
  CI_AUDIENCE,
  CI_CLIENT_ID,
  GATEWAY_AUDIENCE,
  MachineGrantServer,
  TOKEN_EXCHANGE,
} from '../../helpers/machine-grant-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const PROCESSES = 8;
/** Distinct tokens each runner must see: the login's, then one per expiry. */
const CYCLES = 4;
/** The gateway's token lifetime (s): short, so several expiries pass within the test. */
const TOKEN_TTL_S = 10;

let server: MachineGrantServer;
beforeAll(async () => {
  server = await MachineGrantServer.start({ accessTokenTtl: TOKEN_TTL_S });
});
afterAll(async () => {
  await server.close();
});

async function events(child: ChildProcess): Promise<Record<string, unknown>[]> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`runner exited ${code}: ${out}${err}`);
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a fleet sharing one machine credential', () => {
  it(`${PROCESSES} processes × ${CYCLES - 1} expiries of a ${TOKEN_TTL_S} s token: one token exchange per expiry, 0 errors`, async () => {
    const dir = await tempDir();
    const tokenFile = join(dir, 'id-token');
    await writeFile(tokenFile, server.ci.sign({ audience: CI_AUDIENCE, lifetimeS: 600 }), {
      mode: 0o600,
    });
    const storage = new TokenStorage(join(dir, 'tokens.json'), 'fleet');
    // The runners need nothing from the environment: the grant names the identity token's file.
    const runners = Array.from({ length: PROCESSES }, () =>
      startNode(childScript('machine-fleet-runner.mjs'), [storage.path, String(CYCLES)], {
        PATH: process.env.PATH,
      }),
    );
    await Promise.all(runners.map((runner) => waitForLine(runner, (line) => line === 'ready')));
    await login({
      machineGrant: 'token-exchange',
      storage,
      env: {
        CLAUDE_OAUTH_CLIENT_ID: CI_CLIENT_ID,
        CLAUDE_OAUTH_ISSUER: server.issuer,
        CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: tokenFile,
        CLAUDE_OAUTH_AUDIENCE: GATEWAY_AUDIENCE,
      },
    });
    const exchanges = () =>
      server.acquisitions.filter((acquisition) => acquisition.grantType === TOKEN_EXCHANGE).length;
    const afterLogin = exchanges();
    const reports = runners.map(events);
    for (const runner of runners) runner.stdin?.write('go\n');
    const seen = await Promise.all(reports);

    const failures = seen.flat().filter((event) => !('token' in event));
    expect(failures).toEqual([]);
    const sequences = seen.map((runner) => runner.map((event) => event.token));
    for (const sequence of sequences) expect(sequence).toHaveLength(CYCLES);
    // Every runner was handed the same tokens in the same order: each expiry cost one
    // acquisition, shared by the whole fleet.
    expect(new Set(sequences.map((sequence) => sequence.join(',')))).toHaveProperty('size', 1);
    expect(exchanges() - afterLogin).toBe(CYCLES - 1);
  }, 120_000);
});
