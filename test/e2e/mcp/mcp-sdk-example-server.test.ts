import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../../../fixtures/built-cli.js';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';
import { childScript } from '../../helpers/child-process.js';

/** The MCP TypeScript SDK's example server (its `--oauth` mode starts the demo OAuth provider). */
const EXAMPLE = join(
  PACKAGE_ROOT,
  'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js',
);

/**
 * Runs `node script args…` in a network namespace of its own with only
 * loopback up: the example binds every interface on fixed ports, which must
 * reach no network and collide with nothing. Needs unprivileged user
 * namespaces (`unshare -rn`); without them this fails saying so — it is never
 * skipped, as a skipped test proves nothing.
 */
function inOwnNetwork(script: string, args: string[]): string {
  try {
    execFileSync('unshare', ['-rn', 'true'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `This test runs the MCP SDK's example server in a network namespace of its own, and this machine refuses one (unshare -rn: ${(error as Error).message}). Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) to run it.`,
    );
  }
  return execFileSync(
    'unshare',
    ['-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, script, ...args],
    { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe("the MCP TypeScript SDK's example server with its demo OAuth provider", () => {
  it('claude-auth mcp login registers, logs in with resource, and the bearer from mcp headers opens an MCP session', () => {
    const report = JSON.parse(
      inOwnNetwork(childScript('mcp-sdk-example.mjs'), [EXAMPLE, BUILT_CLI])
        .trim()
        .split('\n')
        .at(-1) as string,
    );
    expect(report.login).toMatchObject({ code: 0 });
    expect(JSON.parse(report.login.stdout)).toMatchObject({
      name: 'demo',
      url: 'http://localhost:3000/mcp',
      resource: 'http://localhost:3000/mcp',
      authorizationServer: 'http://localhost:3001/',
      registration: 'dynamic',
      // The demo provider issues no refresh token: the CLI says so.
      refreshToken: false,
    });
    expect(report.login.stderr).toContain('issued no refresh token');
    expect(report.headers.code).toBe(0);
    expect(report.withoutToken).toBe(401);
    expect(report.withToken).toBe(200);
    expect(report.serverName).toBe('simple-streamable-http-server');
    expect(JSON.parse(report.status.stdout)).toEqual([
      expect.objectContaining({ name: 'demo', state: 'valid', refreshToken: false }),
    ]);
    expect(report.status.stdout + report.login.stdout + report.login.stderr).not.toContain(
      report.bearer,
    );
  }, 120_000);
});
