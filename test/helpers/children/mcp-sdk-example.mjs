// Runs inside a network namespace of its own (only loopback, see
// test/e2e/mcp/mcp-sdk-example-server.test.ts): starts the MCP TypeScript SDK's
// example server with its demo OAuth provider (which binds every interface),
// then acts as a headless user of the built CLI against it, and prints one
// JSON report. With `browse URL` it is the $BROWSER instead: the demo provider
// signs a demo user in without a page, so following its redirects is the
// whole consent.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'browse') {
  await fetch(rest[0], { redirect: 'follow' });
  process.exit(0);
}

const run = promisify(execFile);
const [example, cli] = [mode, rest[0]];
// --oauth-strict: only tokens issued for this server (RFC 8707 resource) are accepted.
const server = spawn(process.execPath, [example, '--oauth', '--oauth-strict'], {
  env: { ...process.env, MCP_PORT: '3000', MCP_AUTH_PORT: '3001' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
await new Promise((resolve, reject) => {
  server.once('exit', (code) =>
    reject(new Error(`the example server exited (${code}): ${printed}`)),
  );
  server.stdout.on('data', (chunk) => {
    printed += chunk;
    if (/listening on port 3000/.test(printed) && /listening on port 3001/.test(printed)) resolve();
  });
});

const url = 'http://localhost:3000/mcp';
const env = {
  PATH: process.env.PATH,
  HOME: mkdtempSync(join(tmpdir(), 'mcp-example-home-')),
  CLAUDE_AUTH_DIR: mkdtempSync(join(tmpdir(), 'mcp-example-auth-')),
  BROWSER: `${process.execPath} ${fileURLToPath(import.meta.url)} browse`,
};
const cliRun = (args) =>
  run(process.execPath, [cli, ...args], { env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
const initialize = (bearer) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
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

const report = {};
try {
  report.login = await cliRun(['mcp', 'login', 'demo', url, '--json', '--timeout', '30']);
  report.headers = await cliRun(['mcp', 'headers', 'demo']);
  report.status = await cliRun(['mcp', 'status', 'demo', '--json']);
  const bearer = /"Bearer ([^"]+)"/.exec(report.headers.stdout)?.[1];
  report.bearer = bearer;
  report.withoutToken = (await initialize()).status;
  const answer = await initialize(bearer);
  report.withToken = answer.status;
  report.serverName = /"serverInfo":\{"name":"([^"]+)"/.exec(await answer.text())?.[1];
} finally {
  server.kill();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
