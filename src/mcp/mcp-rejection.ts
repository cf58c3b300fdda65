import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { createOAuthFetch, type OAuthFetch } from '../oauth/http-client.js';
import type { AuthToken } from '../token/auth-token.js';
import type { BearerChallenge } from './bearer-challenge.js';
import { type McpLogin, mcpAccessToken, mcpLoginCommand } from './mcp-access.js';
import { probeMcpServer } from './protected-resource.js';

/**
 * The scopes to log in with after a 403 `insufficient_scope`: those the
 * login has, then those the server names (RFC 6750 §3.1), so a new login
 * loses nothing the old one could do.
 */
function scopesToAskFor(token: AuthToken, challenge: BearerChallenge): string[] {
  return [...new Set([...(token.scopes ?? []), ...(challenge.scope ?? [])])];
}

/**
 * The error for an MCP server that refused a login's current token: a 403
 * `insufficient_scope` with a `scope` names the scopes to log in with
 * (`--scopes`); any other 401 or 403 names the plain login command, since
 * the token was just refreshed under the refresh policy and is still refused.
 *
 * @param login - The server's login.
 * @param token - The refused token (described, never shown).
 * @param status - The server's HTTP status.
 * @param challenge - Its `Bearer` challenge, when it sent one.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function mcpRejectionError(
  login: McpLogin,
  token: AuthToken,
  status: number,
  challenge: BearerChallenge | undefined,
): AuthenticationError {
  const server = `The MCP server ${login.name ?? login.serverUrl}`;
  const command = mcpLoginCommand(login.name, login.serverUrl, login.profile);
  if (
    status === 403 &&
    challenge?.error === 'insufficient_scope' &&
    challenge.scope !== undefined
  ) {
    const scopes = scopesToAskFor(token, challenge);
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `${server} needs more scopes than the login has (HTTP 403 insufficient_scope; it asks for "${challenge.scope.join(' ')}").`,
      { status, fix: `${command} --scopes "${scopes.join(' ')}"` },
    );
  }
  const error = challenge?.error === undefined ? '' : ` ${challenge.error.slice(0, 40)}`;
  return new AuthenticationError(
    AuthErrorCode.REAUTH_REQUIRED,
    `${server} refuses the login's current token (HTTP ${status}${error}), though it is valid and was refreshed when due: the grant was revoked or changed at the server.`,
    { status, fix: command },
  );
}

/**
 * Asks an MCP server whether it accepts a token of its login: the server's
 * own answer to an authenticated `initialize`.
 *
 * @param login - The server's login.
 * @param token - The token to send (only to this server).
 * @param fetch - The fetch to use (default: the OAuth fetch, with the proxy settings of `login`'s environment).
 * @returns Why the server refuses it, or `undefined` when it accepts it or
 *   cannot be reached (not a login problem).
 */
export async function mcpServerRefusal(
  login: McpLogin,
  token: AuthToken,
  fetch: OAuthFetch = createOAuthFetch({ env: login.env }),
): Promise<AuthenticationError | undefined> {
  try {
    const answer = await probeMcpServer(login.serverUrl, fetch, token.accessToken);
    return answer.status === 401 || answer.status === 403
      ? mcpRejectionError(login, token, answer.status, answer.challenge)
      : undefined;
  } catch (error) {
    if (error instanceof AuthenticationError) return undefined;
    throw error;
  }
}

/**
 * Whether an MCP server accepts the token Claude Code gets from
 * `claude-auth mcp headers` (refreshed first when due).
 *
 * @param login - The server's login.
 * @returns Why the server refuses it (or why there is no token to send), or
 *   `undefined` when it accepts it or cannot be reached.
 */
export async function checkMcpAccess(login: McpLogin): Promise<AuthenticationError | undefined> {
  let token: AuthToken;
  try {
    token = await mcpAccessToken(login);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  return mcpServerRefusal(login, token);
}
