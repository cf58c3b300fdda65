import type { AuthToken } from '../token/auth-token.js';

/** Environment variables Claude Code sets for a `headersHelper` (observed in 2.1.332). */
export const CLAUDE_CODE_MCP_ENV = {
  name: 'CLAUDE_CODE_MCP_SERVER_NAME',
  url: 'CLAUDE_CODE_MCP_SERVER_URL',
} as const;

/**
 * The MCP server a command names: the one given, else the one Claude Code
 * names when it runs a `headersHelper` (its URL, then its name), told apart
 * by one rule: a URL has `://`; anything else is a server's name. (`https:host`
 * parses as a URL, but is taken as a name, as it always was.)
 *
 * @param given - The server the user named, if any.
 * @param env - The environment Claude Code sets.
 * @returns The server by URL or by name, or `undefined` when nothing names one.
 */
export function namedMcpServer(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
): { readonly url: string } | { readonly name: string } | undefined {
  const server = given ?? env[CLAUDE_CODE_MCP_ENV.url] ?? env[CLAUDE_CODE_MCP_ENV.name];
  if (server === undefined || server === '') return undefined;
  return server.includes('://') ? { url: server } : { name: server };
}

/**
 * What a Claude Code `headersHelper` prints for an MCP login: a JSON object of
 * header strings, the bearer token in `Authorization` (RFC 6750 §2.1).
 *
 * @param token - The access token.
 */
export function mcpHeaders(token: AuthToken): Record<string, string> {
  return { Authorization: `Bearer ${token.accessToken}` };
}
