import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { findMcpLogin } from '../../../src/mcp/mcp-access.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { knownSecrets } from '../../helpers/tokens.js';

const WORKER = { id: 'mcp-worker', secret: 'test-mcp-worker-secret-0123456789' };
const KEY_WORKER = 'mcp-key-worker';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = randomUUID();

let mcp: McpResourceServer;
beforeAll(async () => {
  knownSecrets.add(WORKER.secret);
  const machine = { redirect_uris: [], response_types: [], grant_types: ['client_credentials'] };
  mcp = await McpResourceServer.start({
    machine: {
      clients: [
        {
          client_id: WORKER.id,
          client_secret: WORKER.secret,
          token_endpoint_auth_method: 'client_secret_basic',
          ...machine,
        },
        {
          client_id: KEY_WORKER,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as never] },
          ...machine,
        },
      ],
    },
  });
});
afterAll(async () => {
  await mcp.close();
});

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const stdout = capturedOutput();
  const stderr = capturedOutput();
  const code = await runCli(args, {
    env,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: new PassThrough(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('mcp login --client-credentials (the MCP oauth-client-credentials extension)', () => {
  it('logs in as the client with its secret, the token bound to the MCP server, and acquires again when due', async () => {
    const dir = await tempDir();
    const env = { CLAUDE_AUTH_DIR: dir, CLAUDE_AUTH_MCP_CLIENT_SECRET: WORKER.secret };
    const run = await cli(
      ['mcp', 'login', 'docs', mcp.url, '--client-credentials', '--client-id', WORKER.id],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('issued no refresh token');
    const login = await findMcpLogin({ server: 'docs', env });
    const token = (await login.store.read())?.token;
    expect(token?.grant).toEqual({
      type: 'client_credentials',
      clientSecret: { env: 'CLAUDE_AUTH_MCP_CLIENT_SECRET' },
    });
    expect(token?.provider).toMatchObject({ resource: mcp.url, registration: 'pre-registered' });
    expect(await mcp.authorizationServer.introspect(token?.accessToken as string)).toMatchObject({
      active: true,
      aud: mcp.url,
      client_id: WORKER.id,
    });
    const files = (await readdir(dir, { recursive: true })).filter((name) =>
      name.endsWith('.json'),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(await readFile(join(dir, file), 'utf8')).not.toContain(WORKER.secret);

    const again = await refreshProviderToken(token as NonNullable<typeof token>, { env });
    expect(again.accessToken).not.toBe(token?.accessToken);
    expect(await mcp.authorizationServer.introspect(again.accessToken)).toMatchObject({
      active: true,
      aud: mcp.url,
    });
  });

  it('logs in by private_key_jwt with --client-assertion-key-file', async () => {
    const dir = await tempDir();
    const keyFile = join(dir, 'key.jwk');
    await writeFile(keyFile, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid }), {
      mode: 0o600,
    });
    const env = { CLAUDE_AUTH_DIR: dir };
    const run = await cli(
      [
        'mcp',
        'login',
        'tools',
        mcp.url,
        '--client-credentials',
        '--client-id',
        KEY_WORKER,
        '--client-assertion-key-file',
        keyFile,
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const token = await cli(['mcp', 'token', 'tools'], env);
    expect(await mcp.authorizationServer.introspect(token.stdout.trim())).toMatchObject({
      active: true,
      aud: mcp.url,
      client_id: KEY_WORKER,
    });
  });

  it('refuses --client-credentials without a client id', async () => {
    const run = await cli(['mcp', 'login', 'docs', mcp.url, '--client-credentials'], {
      CLAUDE_AUTH_DIR: await tempDir(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--client-id ID');
  });
});
