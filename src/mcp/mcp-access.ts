import {
  AuthErrorCode,
  AuthenticationError,
  isAuthenticationError,
} from '../errors/authentication-error.js';
import { DEFAULT_PROFILE, resolveProfile } from '../profile/profile-paths.js';
import { helperToken, lazyProviderRefresh } from '../refresh/helper-token.js';
import { TokenManager } from '../refresh/token-manager.js';
import type { CredentialStore } from '../store/credential-store.js';
import type { AuthToken } from '../token/auth-token.js';
import { canonicalServerUrl } from './mcp-credential-name.js';
import { CLAUDE_CODE_MCP_ENV, namedMcpServer } from './mcp-headers.js';
import { mcpServers } from './mcp-server-index.js';
import { openMcpStore } from './mcp-store.js';

/** Which MCP login to use. */
export interface McpTarget {
  /** The server's name, as given to `claude-auth mcp login`; or its URL. */
  server?: string;
  /** The profile (default: as every command resolves it). */
  profile?: string;
  /** The environment (store choice, storage directory, Claude Code's variables). */
  env: NodeJS.ProcessEnv;
}

/** An MCP login's store, with the name and URL it was found by. */
export interface McpLogin {
  readonly name: string | undefined;
  readonly serverUrl: string;
  readonly profile: string;
  readonly store: CredentialStore;
  /** The environment it was found in (proxy settings for requests to the server). */
  readonly env: NodeJS.ProcessEnv;
}

/** The command that logs in to a server again, as the user would type it. */
export function mcpLoginCommand(name: string | undefined, url: string, profile: string): string {
  const flag = profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`;
  return `claude-auth mcp login ${name ?? 'NAME'} ${url}${flag}`;
}

function notKnown(name: string, profile: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.NOT_LOGGED_IN,
    `No MCP server named "${name.slice(0, 80)}" is logged in for profile "${profile}".`,
    { fix: `claude-auth mcp login ${name.slice(0, 80)} URL  # or: claude-auth mcp status` },
  );
}

/**
 * Finds the login for a server named by name or URL; with neither, the server
 * Claude Code names in `CLAUDE_CODE_MCP_SERVER_URL` (then `_NAME`) when it runs
 * a `headersHelper`. A URL needs no local name: a shared store is keyed by it.
 *
 * @param target - See {@link McpTarget}.
 * @throws {@link AuthenticationError} `NOT_LOGGED_IN` for an unknown name;
 *   `CONFIG_INVALID` when nothing names a server.
 */
export async function findMcpLogin(target: McpTarget): Promise<McpLogin> {
  const { env } = target;
  const profile = resolveProfile({
    env,
    ...(target.profile !== undefined && { profile: target.profile }),
  }).profile;
  const server = namedMcpServer(target.server, env);
  if (server === undefined)
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'No MCP server named: give its name, or run this as a headersHelper (Claude Code sets CLAUDE_CODE_MCP_SERVER_URL).',
      { fix: 'claude-auth mcp headers NAME' },
    );
  let name: string | undefined;
  let serverUrl: string;
  if ('url' in server) {
    serverUrl = canonicalServerUrl(server.url);
    const servers = await mcpServers(profile, env).catch(() => ({}));
    name = Object.entries(servers).find(([, url]) => url === serverUrl)?.[0];
  } else {
    name = server.name;
    const url = (await mcpServers(profile, env))[server.name];
    if (url === undefined) throw notKnown(server.name, profile);
    serverUrl = url;
  }
  const store = openMcpStore({
    serverUrl,
    env,
    ...(target.profile !== undefined && { profile: target.profile }),
  });
  return { name: name ?? env[CLAUDE_CODE_MCP_ENV.name], serverUrl, profile, store, env };
}

/** The options of {@link mcpAccessToken}. */
export interface McpTokenOptions {
  /** The token must stay valid this long; default: refreshed when the refresh policy says it is due. */
  minTtlMs?: number;
}

/**
 * A valid access token of an MCP login, refreshed first when the one refresh
 * policy says it is due (or it would expire within `minTtlMs`), through the
 * token manager: one refresh across processes and machines, the rotated
 * refresh token stored before the access token is handed out.
 *
 * @param login - From {@link findMcpLogin}.
 * @param options - See {@link McpTokenOptions}.
 * @throws {@link AuthenticationError} `NOT_LOGGED_IN` / `REAUTH_REQUIRED` with the
 *   `claude-auth mcp login` command that fixes it; the refresh's own errors.
 */
export async function mcpAccessToken(
  login: McpLogin,
  options: McpTokenOptions = {},
): Promise<AuthToken> {
  const manager = new TokenManager({ store: login.store, refresh: lazyProviderRefresh });
  try {
    return await helperToken(manager, options.minTtlMs);
  } catch (error) {
    throw forMcp(error, login);
  }
}

/** The token manager's "log in again" errors name the profile's own login; point at the server's. */
function forMcp(error: unknown, login: McpLogin): unknown {
  const fix = mcpLoginCommand(login.name, login.serverUrl, login.profile);
  if (isAuthenticationError(error, AuthErrorCode.NOT_LOGGED_IN))
    return new AuthenticationError(
      AuthErrorCode.NOT_LOGGED_IN,
      `Not logged in to the MCP server ${login.name ?? login.serverUrl} (profile "${login.profile}").`,
      { fix, cause: error },
    );
  if (isAuthenticationError(error, AuthErrorCode.REAUTH_REQUIRED))
    return new AuthenticationError(
      AuthErrorCode.REAUTH_REQUIRED,
      `The login to the MCP server ${login.name ?? login.serverUrl} can no longer be used: the server refused its refresh token, or it cannot be refreshed.`,
      { fix, cause: error },
    );
  return error;
}
