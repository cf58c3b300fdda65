import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOL, McpResourceServer } from '../../../fixtures/mcp-resource-server.js';
import { McpRejectionWatch } from '../../../src/query/mcp-rejection-watch.js';
import { headlessMcpLogin } from '../../helpers/mcp-headless-login.js';
import { tempDir } from '../../helpers/temp-dir.js';

let mcp: McpResourceServer;
beforeAll(async () => {
  mcp = await McpResourceServer.start();
});
afterAll(async () => {
  await mcp.close();
});

/** The two messages of a tool call Claude Code reports as failed. */
function failedToolCall(tool: string): SDKMessage[] {
  return [
    {
      type: 'assistant',
      message: { content: [{ type: 'tool_use', id: 'toolu_1', name: tool, input: {} }] },
    },
    {
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: 'x' }],
      },
    },
  ] as unknown as SDKMessage[];
}

async function watchAfterLogin() {
  const env = { CLAUDE_AUTH_DIR: await tempDir() };
  await headlessMcpLogin(mcp, env).login;
  return new McpRejectionWatch([{ name: 'docs', url: mcp.url }], { env });
}

async function outcome(watch: McpRejectionWatch, messages: SDKMessage[]) {
  for (const message of messages) {
    const error = await watch.inspect(message);
    if (error !== undefined) return error;
  }
  return undefined;
}

describe('a failed MCP tool call mid-session', () => {
  it('ends the query when the server refuses the token the helper hands out', async () => {
    const watch = await watchAfterLogin();
    mcp.rejection = { status: 401, error: 'invalid_token' };
    try {
      expect(await outcome(watch, failedToolCall(`mcp__docs__${MCP_TOOL.name}`))).toMatchObject({
        code: 'REAUTH_REQUIRED',
        status: 401,
        fix: `claude-auth mcp login docs ${mcp.url}`,
      });
    } finally {
      mcp.rejection = undefined;
    }
  });

  it('is left to Claude Code when the server accepts the token (the tool failed for its own reasons)', async () => {
    const watch = await watchAfterLogin();
    expect(await outcome(watch, failedToolCall(`mcp__docs__${MCP_TOOL.name}`))).toBeUndefined();
  });

  it("is left alone when the tool is another server's", async () => {
    const watch = await watchAfterLogin();
    mcp.rejection = { status: 401, error: 'invalid_token' };
    try {
      expect(await outcome(watch, failedToolCall('mcp__other__whoami'))).toBeUndefined();
    } finally {
      mcp.rejection = undefined;
    }
  });
});
