import { type OpenStoreOptions, openStore } from '../storage/open-store.js';
import type { CredentialStore } from '../store/credential-store.js';
import { mcpCredentialName } from './mcp-credential-name.js';

/** Options for {@link openMcpStore}. */
export interface McpStoreOptions extends Omit<OpenStoreOptions, 'credential'> {
  /** The MCP server's URL. */
  serverUrl: string;
}

/**
 * The store of a profile's login to one MCP server, in the profile's backend
 * (file, Redis or keychain, as `CLAUDE_AUTH_STORE` or `store` says): every
 * write goes through its one transaction, like a model credential's.
 *
 * @param options - See {@link McpStoreOptions}.
 * @throws As `openStore`.
 */
export function openMcpStore(options: McpStoreOptions): CredentialStore {
  const { serverUrl, ...rest } = options;
  return openStore({ ...rest, credential: mcpCredentialName(serverUrl) });
}
