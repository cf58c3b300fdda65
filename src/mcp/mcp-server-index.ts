import { join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { MCP_SERVER_INDEX_FILE, storageDirectory } from '../profile/profile-paths.js';
import { withFileLock } from '../store/file/file-lock.js';
import { readPrivateFile, writePrivateFileAtomic } from '../store/file/secure-file.js';

/**
 * The names `claude-auth mcp login` accepts: Claude Code's own rule for MCP
 * server names (`claude mcp add` refuses anything but letters, digits, `-` and
 * `_`; checked in the bundled 2.1.332), so the name can be the `mcpServers`
 * key, plus non-empty and at most 64 characters, since Claude Code names the
 * server's tools `mcp__NAME__tool` and the API limits tool names to 64.
 */
const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks an MCP server name before anything is sent or stored: an empty or
 * odd name would make a login that no command can name again.
 *
 * @param name - The name given to `claude-auth mcp login`.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` saying which names are allowed.
 */
export function checkMcpServerName(name: string): void {
  if (!SERVER_NAME.test(name))
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `"${name.slice(0, 80)}" is not an MCP server name: use 1 to 64 letters, digits, - and _ (as Claude Code does).`,
      { fix: "claude-auth mcp login NAME URL  # e.g. NAME = the server's key in mcpServers" },
    );
}

/** Server name → canonical URL, per profile. */
type Index = Record<string, Record<string, string>>;

function indexPath(env: NodeJS.ProcessEnv): string {
  return join(storageDirectory(env), MCP_SERVER_INDEX_FILE);
}

async function readIndex(path: string): Promise<Index> {
  const text = await readPrivateFile(path);
  if (text === null) return {};
  try {
    const data: unknown = JSON.parse(text);
    const servers = (data as { servers?: unknown } | null)?.servers;
    if (typeof servers === 'object' && servers !== null) return servers as Index;
  } catch {
    // fall through: reported below
  }
  throw new AuthenticationError(
    AuthErrorCode.STORAGE_CORRUPT,
    `The MCP server list ${path} is unreadable; it has been left untouched.`,
    { fix: `move it aside, then run claude-auth mcp login again for each server` },
  );
}

/**
 * The names a profile gave its MCP servers, and their URLs. Names are local to
 * this machine (a shared Redis store is keyed by URL, which Claude Code passes
 * to `claude-auth mcp headers` itself); the logins live in the credential store.
 *
 * @param profile - The profile.
 * @param env - Where the storage directory is read from.
 * @returns Name → canonical server URL.
 * @throws {@link AuthenticationError} `STORAGE_CORRUPT`, `STORAGE_INSECURE`, `STORAGE_IO`.
 */
export async function mcpServers(
  profile: string,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  return (await readIndex(indexPath(env)))[profile] ?? {};
}

/**
 * Records (or with `url` undefined, forgets) a server name of a profile,
 * under the file's lock so two logins never lose each other's names. A
 * server has one name per profile, as it has one login (keyed by its URL): a
 * new name for a recorded URL replaces the old one, so logging out of one
 * name can never leave another naming a removed login.
 *
 * @param profile - The profile.
 * @param name - The server's name.
 * @param url - Its canonical URL, or `undefined` to forget it.
 * @param env - Where the storage directory is read from.
 */
export async function recordMcpServer(
  profile: string,
  name: string,
  url: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const path = indexPath(env);
  await withFileLock(path, async () => {
    const index = await readIndex(path);
    const servers = { ...index[profile] };
    for (const [other, recorded] of Object.entries(servers))
      if (other === name || recorded === url) delete servers[other];
    if (url !== undefined) servers[name] = url;
    await writePrivateFileAtomic(
      path,
      `${JSON.stringify({ version: 1, servers: { ...index, [profile]: servers } }, null, 2)}\n`,
    );
  });
}
