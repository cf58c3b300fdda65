import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDeviceCode, TestBrowser } from '../../../fixtures/browser.js';
import { BUILT_CLI } from '../../../fixtures/built-cli.js';
import { McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

let mcp: McpResourceServer;
let browser: TestBrowser;
beforeAll(async () => {
  [mcp, browser] = await Promise.all([McpResourceServer.start(), TestBrowser.launch()]);
});
afterAll(async () => {
  await browser?.close();
  await mcp?.close();
});

describe('claude-auth mcp login --device, where no browser exists', () => {
  it('shows a code that is approved on another device, polls, and stores a login the MCP server accepts', async () => {
    const home = await tempDir('mcp-device-');
    const env = { PATH: process.env.PATH, HOME: home, CLAUDE_AUTH_DIR: home };
    const child = spawn(
      process.execPath,
      [BUILT_CLI, 'mcp', 'login', 'docs', mcp.url, '--device', '--json'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await expect.poll(() => /\(or open (\S+)\)/.test(stderr), { timeout: 15_000 }).toBe(true);
    await approveDeviceCode(
      browser.context,
      (/\(or open (\S+)\)/.exec(stderr) as RegExpExecArray)[1] as string,
    );
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/enter the code [A-Z]{4}-?[A-Z]{4}/);
    expect(JSON.parse(stdout)).toMatchObject({
      name: 'docs',
      url: mcp.url,
      resource: mcp.url,
      registration: 'dynamic',
      refreshToken: true,
    });

    const headers = await runCliProcess(['mcp', 'headers', 'docs'], env);
    expect(headers.code).toBe(0);
    const bearer = JSON.parse(headers.stdout).Authorization.replace(/^Bearer /, '');
    // RFC 8707: the device grant's token is for the MCP server, as the browser login's is.
    expect(await mcp.authorizationServer.introspect(bearer)).toMatchObject({
      active: true,
      aud: mcp.url,
    });
    expect(stdout + stderr).not.toContain(bearer);
  }, 60_000);
});
