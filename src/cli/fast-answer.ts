import { mcpCredentialName } from '../mcp/mcp-credential-name.js';
import { mcpHeaders, namedMcpServer } from '../mcp/mcp-headers.js';
import { resolveProfile } from '../profile/profile-paths.js';
import { freshStoredToken } from '../refresh/fresh-stored-token.js';
import { fileBackendReason, openFileStore } from '../storage/store-backend.js';
import { chooseBackend } from '../store/backend-choice.js';

/**
 * The output of `claude-auth token` or `claude-auth mcp headers` when it can be
 * given without loading the CLI: the exact argument lists Claude Code's
 * helpers run (`apiKeyHelper`, `headersHelper`, with the profile from
 * `CLAUDE_AUTH_PROFILE`), the file store, and a stored token the refresh
 * policy calls fresh. These commands run at every request and every MCP
 * connect, so their start-up is most of their cost (issue 23).
 *
 * Every rule is the CLI's own: the profile (`resolveProfile`), the backend
 * (`chooseBackend`), the file store's read (`readNow`: its checks, with
 * synchronous calls, so no thread pool starts), the refresh policy
 * (`freshStoredToken`), the MCP login's name and headers. Anything else
 * (flags, another backend, no login, a token due, any error) is `undefined`,
 * and the full CLI runs and answers it, errors and refreshes included.
 *
 * @param argv - The arguments after the program name.
 * @param env - The environment.
 * @returns What to print on stdout, or `undefined` for the full CLI.
 */
export function fastAnswer(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const command = argv.join(' ');
  if (command !== 'token' && command !== 'mcp headers') return undefined;
  const backend = chooseBackend({ env });
  if (backend.kind !== 'file') return undefined;
  try {
    if (command === 'token') {
      const store = openFileStore(resolveProfile({ env }), fileBackendReason(backend));
      const token = freshStoredToken(store.readNow());
      return token === undefined ? undefined : `${token.accessToken}\n`;
    }
    // A server named by its name (CLAUDE_CODE_MCP_SERVER_NAME alone) needs the name index: the CLI's.
    const server = namedMcpServer(undefined, env);
    if (server === undefined || !('url' in server)) return undefined;
    const location = resolveProfile({ env, credential: mcpCredentialName(server.url) });
    const token = freshStoredToken(openFileStore(location, fileBackendReason(backend)).readNow());
    return token === undefined ? undefined : `${JSON.stringify(mcpHeaders(token))}\n`;
  } catch {
    // A bad profile name or server URL: the CLI says what is wrong.
    return undefined;
  }
}
