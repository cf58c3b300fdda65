import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  checkMcpServerName,
  mcpServers,
  recordMcpServer,
} from '../../../src/mcp/mcp-server-index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const URL = 'https://mcp.example/mcp';

describe('the MCP server names of a profile', () => {
  it.each(['docs', 'my-docs_2', 'A'.repeat(64)])('accepts %j (Claude Code would too)', (name) => {
    expect(() => checkMcpServerName(name)).not.toThrow();
  });

  it.each(['', 'a b', 'docs/x', 'docs.json', 'https://mcp.example/mcp', 'é', 'A'.repeat(65)])(
    'refuses %j as CONFIG_INVALID saying which names are allowed',
    (name) => {
      expect(() => checkMcpServerName(name)).toThrow(
        expect.objectContaining({
          code: AuthErrorCode.CONFIG_INVALID,
          message: expect.stringContaining('letters, digits, - and _'),
        }),
      );
    },
  );

  it('one name per server: a login under a new name replaces the old name, so no two names share one login', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await recordMcpServer('default', 'docs', URL, env);
    await recordMcpServer('default', 'other', 'https://other.example/mcp', env);
    await recordMcpServer('default', 'docs2', URL, env);
    expect(await mcpServers('default', env)).toEqual({
      docs2: URL,
      other: 'https://other.example/mcp',
    });
  });

  it('names are per profile: the same server keeps its name in another profile', async () => {
    const env = { CLAUDE_AUTH_DIR: await tempDir() };
    await recordMcpServer('default', 'docs', URL, env);
    await recordMcpServer('work', 'work-docs', URL, env);
    expect(await mcpServers('default', env)).toEqual({ docs: URL });
    expect(await mcpServers('work', env)).toEqual({ 'work-docs': URL });
  });
});
