import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { AuthenticationError } from '../errors/authentication-error.js';
import { findMcpLogin } from '../mcp/mcp-access.js';
import { checkMcpAccess } from '../mcp/mcp-rejection.js';

/** A server given a `headersHelper`, and where its login is. */
export interface WatchedMcpServer {
  /** Its key in `options.mcpServers`. */
  readonly name: string;
  /** Its URL. */
  readonly url: string;
}

/** Where the watched servers' logins are. */
export interface McpWatchContext {
  readonly env: NodeJS.ProcessEnv;
  readonly profile?: string;
}

/** Claude Code's connection states of a server it could not use (`McpServerStatus.status`). */
const NOT_CONNECTED: ReadonlySet<string> = new Set(['failed', 'needs-auth']);

/** Claude Code's prefix of an MCP server's tools: `mcp__NAME__`, the name with odd characters as `_`. */
function toolPrefix(name: string): string {
  return `mcp__${name.replace(/[^A-Za-z0-9_-]/g, '_')}__`;
}

type ContentBlock = {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  tool_use_id?: unknown;
  is_error?: unknown;
};

function blocks(message: SDKMessage): ContentBlock[] {
  if (message.type !== 'assistant' && message.type !== 'user') return [];
  const content: unknown = message.message.content;
  return Array.isArray(content) ? (content as ContentBlock[]) : [];
}

/**
 * Turns an MCP server that still refuses claude-auth's token into a typed
 * error, instead of a tool Claude Code quietly reports as failed.
 *
 * Claude Code does not tell a `headersHelper` what the server answered, so
 * the helper cannot know; what it does report is the outcome: the system
 * `init` message lists each server as `failed` or `needs-auth` when its
 * connection was refused (after it ran the helper again and retried once),
 * and a refused tool call comes back as an `is_error` tool result. Either for
 * a server with a claude-auth login is confirmed by asking the server itself
 * (`checkMcpAccess`: an authenticated `initialize` with the token the helper
 * hands out): only its 401 or 403 ends the query, with the command that fixes
 * it; a server that is down, or a tool that fails for its own reasons, is left
 * to Claude Code.
 */
export class McpRejectionWatch {
  readonly #servers: readonly WatchedMcpServer[];
  readonly #context: McpWatchContext;
  readonly #toolCalls = new Map<string, WatchedMcpServer>();

  /**
   * @param servers - The servers given a helper.
   * @param context - Where their logins are.
   */
  constructor(servers: readonly WatchedMcpServer[], context: McpWatchContext) {
    this.#servers = servers;
    this.#context = context;
  }

  /**
   * Looks at one message from Claude Code.
   *
   * @param message - The message.
   * @returns The error to end the query with, or `undefined` to go on.
   */
  async inspect(message: SDKMessage): Promise<AuthenticationError | undefined> {
    if (this.#servers.length === 0) return undefined;
    if (message.type === 'system' && message.subtype === 'init') {
      for (const { name, status } of message.mcp_servers) {
        const server = this.#servers.find((watched) => watched.name === name);
        if (server !== undefined && NOT_CONNECTED.has(status)) {
          const error = await this.#check(server);
          if (error !== undefined) return error;
        }
      }
      return undefined;
    }
    for (const block of blocks(message)) {
      if (block.type === 'tool_use' && typeof block.id === 'string') {
        const name = typeof block.name === 'string' ? block.name : '';
        const server = this.#servers.find((watched) => name.startsWith(toolPrefix(watched.name)));
        if (server !== undefined) this.#toolCalls.set(block.id, server);
      }
      if (block.type === 'tool_result' && block.is_error === true) {
        const server = this.#toolCalls.get(String(block.tool_use_id));
        if (server !== undefined) {
          const error = await this.#check(server);
          if (error !== undefined) return error;
        }
      }
    }
    return undefined;
  }

  async #check(server: WatchedMcpServer): Promise<AuthenticationError | undefined> {
    const login = await findMcpLogin({
      server: server.url,
      env: this.#context.env,
      ...(this.#context.profile !== undefined && { profile: this.#context.profile }),
    });
    return checkMcpAccess({ ...login, name: login.name ?? server.name });
  }
}
