import { join } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { storageDirectory } from '../profile/profile-paths.js';
import { withFileLock } from '../store/file/file-lock.js';
import { readPrivateFile, writePrivateFileAtomic } from '../store/file/secure-file.js';

/** The file naming each profile's MCP servers, beside the token files. Holds no secret. */
export const MCP_SERVER_INDEX_FILE = 'mcp-servers.json';

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
 * under the file's lock so two logins never lose each other's names.
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
    if (url === undefined) delete servers[name];
    else servers[name] = url;
    await writePrivateFileAtomic(
      path,
      `${JSON.stringify({ version: 1, servers: { ...index, [profile]: servers } }, null, 2)}\n`,
    );
  });
}
