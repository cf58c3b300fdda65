import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { findMcpLogin } from '../../../src/mcp/mcp-access.js';
import { createOAuthFetch } from '../../../src/oauth/http-client.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { headlessMcpLogin } from '../../helpers/mcp-headless-login.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { tempDir } from '../../helpers/temp-dir.js';

let mcp: McpResourceServer;
beforeAll(async () => {
  mcp = await McpResourceServer.start();
});
afterAll(async () => {
  await mcp.close();
});

const headlessLogin = (env: NodeJS.ProcessEnv) => headlessMcpLogin(mcp, env);

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

describe('mcp login against an MCP SDK server behind oidc-provider', () => {
  it('discovers, registers dynamically, logs in with resource indicators and stores the login', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { login, requests, opened } = headlessLogin(env);
    const result = await login;

    const urls = requests.map((request) => request.url);
    expect(urls[0]).toBe(mcp.url);
    expect(urls).toContain(`${new URL(mcp.url).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(urls).toContain(`${mcp.authorizationServer.issuer}/reg`);
    // RFC 8707 on the authorization and the token request.
    expect(opened[0]?.searchParams.get('resource')).toBe(mcp.url);
    expect(opened[0]?.searchParams.get('scope')).toBe('mcp:tools offline_access');
    const tokenRequest = requests.find((request) => request.url.endsWith('/token'));
    expect(new URLSearchParams(tokenRequest?.body).get('resource')).toBe(mcp.url);

    expect(result.token.provider).toMatchObject({
      resource: mcp.url,
      registration: 'dynamic',
      issuer: mcp.authorizationServer.issuer,
    });
    expect(result.token.refreshToken).toBeDefined();
    const claims = await mcp.authorizationServer.introspect(result.token.accessToken);
    expect(claims).toMatchObject({ active: true, aud: mcp.url });

    const stored = await (await findMcpLogin({ server: 'docs', env })).store.read();
    expect(stored?.token.accessToken).toBe(result.token.accessToken);
    expect(stored?.token.mcpServer).toEqual({ name: 'docs', url: mcp.url });
  });

  it('mcp headers prints the bearer for the server Claude Code names, and the server accepts it', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { token } = await headlessLogin(env).login;
    const run = await cli(['mcp', 'headers'], { ...env, CLAUDE_CODE_MCP_SERVER_URL: mcp.url });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ Authorization: `Bearer ${token.accessToken}` });
    const response = await fetch(mcp.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 't', version: '1' },
        },
      }),
    });
    expect(response.status).toBe(200);
  });

  it('sends the resource on refresh (RFC 8707 §2)', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { token } = await headlessLogin(env).login;
    const forms: URLSearchParams[] = [];
    const real = createOAuthFetch();
    const refreshed = await refreshProviderToken(token, {
      fetch: (url, init) => {
        forms.push(new URLSearchParams(String(init.body)));
        return real(url, init);
      },
    });
    expect(forms[0]?.get('grant_type')).toBe('refresh_token');
    expect(forms[0]?.get('resource')).toBe(mcp.url);
    expect(refreshed.provider?.registration).toBe('dynamic');
  });

  it('mcp token refreshes when asked for more lifetime, and the new token is still for the MCP server', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { token } = await headlessLogin(env).login;
    const run = await cli(['mcp', 'token', 'docs', '--min-ttl', '999999'], env);
    expect(run.code).toBe(0);
    const refreshed = run.stdout.trim();
    expect(refreshed).not.toBe(token.accessToken);
    expect(await mcp.authorizationServer.introspect(refreshed)).toMatchObject({
      active: true,
      aud: mcp.url,
    });
  });

  it('status shows the login without any token; logout removes it here first, then revokes both tokens', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { token } = await headlessLogin(env).login;
    const secrets = [token.accessToken, token.refreshToken as string];
    const status = await cli(['mcp', 'status', '--json'], env);
    const text = await cli(['mcp', 'status', 'docs'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({
        name: 'docs',
        url: mcp.url,
        resource: mcp.url,
        authorizationServer: mcp.authorizationServer.issuer,
        registration: 'dynamic',
        refreshToken: true,
        state: 'valid',
        backend: 'file',
      }),
    ]);
    expect(text.stdout).toContain('docs: valid');
    for (const output of [status.stdout, status.stderr, text.stdout, text.stderr])
      for (const secret of secrets) expect(output).not.toContain(secret);

    const logout = await cli(['mcp', 'logout', 'docs', '--json'], env);
    expect(logout.code).toBe(0);
    expect(JSON.parse(logout.stdout)).toEqual([
      {
        name: 'docs',
        url: mcp.url,
        removed: true,
        // The idp engine's order (README § revocation): the access token first, then the refresh token.
        revocations: [
          { token: 'access_token', revoked: true, outcome: 'confirmed' },
          { token: 'refresh_token', revoked: true, outcome: 'confirmed' },
        ],
      },
    ]);
    expect((await mcp.authorizationServer.introspect(token.accessToken)).active).toBe(false);
    expect(await cli(['mcp', 'status', '--json'], env)).toMatchObject({ code: 3, stdout: '[]\n' });
    const after = await cli(['mcp', 'headers'], { ...env, CLAUDE_CODE_MCP_SERVER_URL: mcp.url });
    expect(after.code).toBe(3);
  });

  it('status asks the server: a 403 insufficient_scope names the scopes to log in with', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const { token } = await headlessLogin(env).login;
    mcp.rejection = { status: 403, error: 'insufficient_scope', scope: 'mcp:admin' };
    let json: Awaited<ReturnType<typeof cli>>;
    let text: Awaited<ReturnType<typeof cli>>;
    try {
      json = await cli(['mcp', 'status', '--json'], env);
      text = await cli(['mcp', 'status'], env);
    } finally {
      mcp.rejection = undefined;
    }
    const fix = `claude-auth mcp login docs ${mcp.url} --scopes "mcp:tools mcp:admin"`;
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        name: 'docs',
        state: 'refused by the server',
        error: expect.objectContaining({ code: 'REAUTH_REQUIRED', status: 403 }),
        fix,
      }),
    ]);
    expect(text.stdout).toContain('docs: refused by the server');
    expect(text.stdout).toContain(`fix: ${fix}`);
    // Refused by the server is re-login required (exit 4), as `status` and `mcp token` report it.
    expect([json.code, text.code]).toEqual([4, 4]);
    expect(json.stdout + text.stdout).not.toContain(token.accessToken);
    expect((await cli(['mcp', 'status', '--json'], env)).stdout).toContain('"state": "valid"');
  });

  it('claude-auth mcp login --no-browser: prints the URL, takes the pasted redirect, stores the login', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    const stdout = capturedOutput();
    let printed = '';
    const pasted = new Promise<void>((resolve) => {
      stderr.on('data', async (chunk) => {
        printed += chunk;
        const url = /(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/.exec(printed)?.[1];
        if (url === undefined || !printed.includes('paste')) return;
        stderr.removeAllListeners('data');
        const authorization = new URL(url);
        const callback = new URL(authorization.searchParams.get('redirect_uri') as string);
        callback.searchParams.set(
          'code',
          await mcp.authorizationServer.issueAuthorizationCode(authorization),
        );
        callback.searchParams.set('state', authorization.searchParams.get('state') as string);
        callback.searchParams.set('iss', mcp.authorizationServer.issuer);
        stdin.write(`${callback.href}\n`);
        resolve();
      });
    });
    const code = await runCli(['mcp', 'login', 'docs', mcp.url, '--no-browser', '--json'], {
      env,
      stdin,
      stderr,
      stdout: stdout.stream,
    });
    await pasted;
    expect(code).toBe(0);
    const report = JSON.parse(stdout.text());
    expect(report).toMatchObject({ name: 'docs', url: mcp.url, registration: 'dynamic' });
    const stored = await (await findMcpLogin({ server: 'docs', env })).store.read();
    expect(stored?.token.provider?.resource).toBe(mcp.url);
    for (const secret of [stored?.token.accessToken, stored?.token.refreshToken])
      expect(stdout.text() + printed).not.toContain(secret as string);
  });

  it('names the login command when a server has no login', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir(), CLAUDE_CODE_MCP_SERVER_URL: mcp.url };
    const run = await cli(['mcp', 'headers'], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`claude-auth mcp login NAME ${mcp.url}`);
  });
});
