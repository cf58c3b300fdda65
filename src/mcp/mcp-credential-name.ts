import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { isSecureEndpoint } from '../oauth/loopback.js';
import { sha256 } from '../platform/sha256.js';
import type { CredentialName } from '../profile/profile-paths.js';

/**
 * The canonical URI of an MCP server (MCP authorization spec, "Canonical
 * Server URI"; RFC 8707 §2): lower-case scheme and host (as `URL` gives them),
 * no fragment, no trailing slash. This is the server's resource identifier,
 * the key of its login in the store, and what Claude Code's
 * `CLAUDE_CODE_MCP_SERVER_URL` is compared with.
 *
 * @param url - The server URL as the user or Claude Code names it.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for anything but an https
 *   (or loopback http) URL.
 */
export function canonicalServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidServerUrl(url, 'is not a URL');
  }
  if (!isSecureEndpoint(parsed))
    throw invalidServerUrl(url, 'must use https (http only on this machine)');
  parsed.hash = '';
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path}${parsed.search}`;
}

function invalidServerUrl(url: string, problem: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The MCP server URL "${url.slice(0, 200)}" ${problem}.`,
    { fix: 'give the URL Claude Code connects to, e.g. https://mcp.example.com/mcp' },
  );
}

/**
 * The store name of a profile's login to one MCP server: `mcp.<profile>.<key>`,
 * the key a hash of the canonical server URL (fixed length, a file name on every
 * platform). Never a profile name: see {@link CredentialName}.
 *
 * @param serverUrl - The server URL; canonicalised first.
 */
export function mcpCredentialName(serverUrl: string): CredentialName {
  // SHA-256 of our own (src/platform/sha256.ts): `mcp headers` runs at every MCP connect,
  // and node:crypto would be a fifth of its start-up.
  const key = sha256(canonicalServerUrl(serverUrl)).toString('base64url').slice(0, 32);
  return { kind: 'mcp', key };
}
