import type { AuthToken } from '../token/auth-token.js';

/** Environment variables Claude Code sets for a `headersHelper` (observed in 2.1.332). */
export const CLAUDE_CODE_MCP_ENV = {
  name: 'CLAUDE_CODE_MCP_SERVER_NAME',
  url: 'CLAUDE_CODE_MCP_SERVER_URL',
} as const;

/**
 * What a Claude Code `headersHelper` prints for an MCP login: a JSON object of
 * header strings, the bearer token in `Authorization` (RFC 6750 §2.1).
 *
 * @param token - The access token.
 */
export function mcpHeaders(token: AuthToken): Record<string, string> {
  return { Authorization: `Bearer ${token.accessToken}` };
}
