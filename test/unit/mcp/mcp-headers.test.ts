import { describe, expect, it } from 'vitest';
import { mcpHeaders, namedMcpServer } from '../../../src/mcp/mcp-headers.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('namedMcpServer: the server a command or Claude Code names', () => {
  it.each([
    ['docs', {}, { name: 'docs' }],
    ['https://a.example/mcp', {}, { url: 'https://a.example/mcp' }],
    // Given wins over what Claude Code sets.
    ['docs', { CLAUDE_CODE_MCP_SERVER_URL: 'https://b.example/mcp' }, { name: 'docs' }],
    [
      undefined,
      { CLAUDE_CODE_MCP_SERVER_URL: 'https://b.example/mcp' },
      { url: 'https://b.example/mcp' },
    ],
    [undefined, { CLAUDE_CODE_MCP_SERVER_NAME: 'docs' }, { name: 'docs' }],
    [
      undefined,
      { CLAUDE_CODE_MCP_SERVER_URL: 'https://b.example/mcp', CLAUDE_CODE_MCP_SERVER_NAME: 'docs' },
      { url: 'https://b.example/mcp' },
    ],
    // A URL has `://`: `https:host/path` parses as a URL but is a name here, as it always was.
    [
      undefined,
      { CLAUDE_CODE_MCP_SERVER_URL: 'https:b.example/mcp' },
      { name: 'https:b.example/mcp' },
    ],
    [undefined, {}, undefined],
    [undefined, { CLAUDE_CODE_MCP_SERVER_URL: '' }, undefined],
    // An empty URL is what Claude Code named: the name is not consulted.
    [undefined, { CLAUDE_CODE_MCP_SERVER_URL: '', CLAUDE_CODE_MCP_SERVER_NAME: 'docs' }, undefined],
  ])('%j with %j is %j', (given, env, expected) => {
    expect(namedMcpServer(given, env)).toEqual(expected);
  });
});

describe('mcpHeaders', () => {
  it('is the bearer token in Authorization (RFC 6750 §2.1), nothing else', () => {
    const token = oauthToken(3_600_000);
    expect(mcpHeaders(token)).toEqual({ Authorization: `Bearer ${token.accessToken}` });
  });
});
