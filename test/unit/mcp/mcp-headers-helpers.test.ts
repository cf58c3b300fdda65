import { describe, expect, it } from 'vitest';
import {
  MCP_HELPER_SKIPPED_WARNING_CODE,
  withMcpHeadersHelpers,
} from '../../../src/mcp/mcp-headers-helpers.js';
import { openMcpStore } from '../../../src/mcp/mcp-store.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

const LOGGED_IN = 'https://mcp.example/mcp';

async function loggedIn() {
  const env = { CLAUDE_AUTH_DIR: await tempDir() };
  const token = oauthToken(3_600_000);
  await TokenStorage.fromStore(openMcpStore({ serverUrl: LOGGED_IN, env })).saveToken(token);
  return { env, token };
}

describe('withMcpHeadersHelpers', () => {
  it('gives a logged-in http server a helper by absolute paths, without the token, and delivers over stdin', async () => {
    const { env, token } = await loggedIn();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const { options, wired, leftAlone } = await withMcpHeadersHelpers(
      {
        mcpServers: {
          docs: { type: 'http', url: `${LOGGED_IN}/` },
          other: { type: 'sse', url: 'https://elsewhere.example/sse' },
          local: { command: 'node', args: ['server.js'] },
          mine: { type: 'http', url: LOGGED_IN, headers: { authorization: 'Bearer own' } },
        },
      },
      { env, nodePath: '/opt/node dir/bin/node', cliPath: '/pkg/dist/cli/main.js' },
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(wired.map(({ name }) => name)).toEqual(['docs']);
    expect(leftAlone).toEqual([{ name: 'mine', reason: 'it sets its own Authorization header' }]);
    const docs = options.mcpServers?.docs as { headersHelper?: string };
    expect(docs.headersHelper).toBe("'/opt/node dir/bin/node' /pkg/dist/cli/main.js mcp headers");
    expect(JSON.stringify(options)).not.toContain(token.accessToken);
    expect(options.mcpServers?.other).toEqual({
      type: 'sse',
      url: 'https://elsewhere.example/sse',
    });
    expect(options.mcpServers?.mine).not.toHaveProperty('headersHelper');
    expect(options.mcpServersDelivery).toBe('initialize');
    expect(warnings.map((w) => (w as { code?: string }).code)).toContain(
      MCP_HELPER_SKIPPED_WARNING_CODE,
    );
  });

  it('defaults to node and this package’s built CLI, and names the profile', async () => {
    const { env } = await loggedIn();
    const { options } = await withMcpHeadersHelpers(
      { mcpServers: { docs: { type: 'http', url: LOGGED_IN } } },
      { env, profile: 'default' },
    );
    const docs = options.mcpServers?.docs as { headersHelper?: string } | undefined;
    const helper = docs?.headersHelper ?? '';
    expect(helper.startsWith(`${process.execPath} `)).toBe(true);
    expect(helper).toMatch(/\/dist\/bin\/claude-auth\.cjs mcp headers --profile default$/);
  });

  it('leaves an entry with its own helper alone, and the delivery a caller chose', async () => {
    const { env } = await loggedIn();
    const { options, wired, leftAlone } = await withMcpHeadersHelpers(
      {
        mcpServersDelivery: 'argv',
        mcpServers: { docs: { type: 'http', url: LOGGED_IN, headersHelper: 'own' } as never },
      },
      { env },
    );
    expect(wired).toEqual([]);
    expect(leftAlone[0]?.reason).toBe('it sets its own headersHelper');
    expect(options.mcpServersDelivery).toBe('argv');
  });

  it('keeps argv delivery for a custom Claude Code executable, which may predate initialize', async () => {
    const { env } = await loggedIn();
    const { options } = await withMcpHeadersHelpers(
      {
        pathToClaudeCodeExecutable: '/usr/local/bin/claude',
        mcpServers: { docs: { type: 'http', url: LOGGED_IN } },
      },
      { env },
    );
    expect(options.mcpServersDelivery).toBeUndefined();
  });

  it('changes nothing without mcpServers', async () => {
    const options = { model: 'x' };
    expect((await withMcpHeadersHelpers(options, { env: {} })).options).toBe(options);
  });
});
