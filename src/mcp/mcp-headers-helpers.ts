import { fileURLToPath } from 'node:url';
import type { McpServerConfig, Options } from '@anthropic-ai/claude-agent-sdk';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { canonicalServerUrl } from './mcp-credential-name.js';
import { openMcpStore } from './mcp-store.js';

/** The `code` of the process warning for an MCP server entry left without a helper. */
export const MCP_HELPER_SKIPPED_WARNING_CODE = 'CLAUDE_AUTH_MCP_HELPER_SKIPPED';

/**
 * The built CLI (the package's bin), by absolute path:
 * `<package>/dist/bin/claude-auth.cjs` both from the built modules (`dist/mcp/`,
 * `dist/bin/`) and from the sources (`src/mcp/`, tests).
 */
const BUILT_CLI = fileURLToPath(new URL('../../dist/bin/claude-auth.cjs', import.meta.url));

/** Where and as whom the helpers run. */
export interface McpHelperContext {
  /** The environment the query's Claude Code gets (store choice, storage directory, profile). */
  env: NodeJS.ProcessEnv;
  /** The profile whose MCP logins are used (default: as every command resolves it from `env`). */
  profile?: string;
  /** The Node.js binary (default `process.execPath`). */
  nodePath?: string;
  /** The built CLI (default this package's bin, `dist/bin/claude-auth.cjs`). */
  cliPath?: string;
}

/** What {@link withMcpHeadersHelpers} did. */
export interface McpHelperWiring {
  /** The options to start the query with. */
  readonly options: Options;
  /** The servers given a `headersHelper`: their `mcpServers` key and URL. */
  readonly wired: readonly { readonly name: string; readonly url: string }[];
  /** Servers with a stored login that were left as they were, and why. */
  readonly leftAlone: readonly { readonly name: string; readonly reason: string }[];
}

/** A remote (http or sse) server entry, with the `headersHelper` Claude Code reads from it. */
type RemoteServer = Extract<McpServerConfig, { type: 'http' | 'sse' }> & { headersHelper?: string };

function isRemote(config: McpServerConfig): config is RemoteServer {
  return (config.type === 'http' || config.type === 'sse') && typeof config.url === 'string';
}

/** POSIX shell quoting: Claude Code runs a helper through the shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line of the helper: node and the CLI by absolute path (no PATH
 * lookup, no shell alias), `mcp headers`, the profile. No secret: the server
 * is named by Claude Code in `CLAUDE_CODE_MCP_SERVER_URL`.
 */
function helperCommand(context: McpHelperContext): string {
  return [
    context.nodePath ?? process.execPath,
    context.cliPath ?? BUILT_CLI,
    'mcp',
    'headers',
    ...(context.profile !== undefined ? ['--profile', context.profile] : []),
  ]
    .map(shellQuote)
    .join(' ');
}

async function hasLogin(url: string, context: McpHelperContext): Promise<boolean> {
  try {
    canonicalServerUrl(url);
  } catch {
    return false;
  }
  const store = openMcpStore({
    serverUrl: url,
    env: context.env,
    ...(context.profile !== undefined && { profile: context.profile }),
  });
  return (await store.read()) !== null;
}

function reasonToLeaveAlone(config: RemoteServer): string | undefined {
  if (config.headersHelper !== undefined) return 'it sets its own headersHelper';
  if (Object.keys(config.headers ?? {}).some((name) => name.toLowerCase() === 'authorization'))
    return 'it sets its own Authorization header';
  return undefined;
}

/**
 * Gives every `http`/`sse` entry of `options.mcpServers` whose URL has a stored
 * MCP login (`claude-auth mcp login`) a `headersHelper` running
 * `claude-auth mcp headers`, which Claude Code runs at every connect and again
 * after a 401/403, so each connection gets a token refreshed under the one
 * refresh policy. An entry that sets its own `Authorization` header or
 * `headersHelper` is left alone and reported (a process warning, and in the
 * result). `mcpServersDelivery` becomes `'initialize'` when the caller chose
 * none and runs the bundled Claude Code, so no server entry reaches argv.
 *
 * @param options - The query's options; not changed.
 * @param context - See {@link McpHelperContext}.
 * @returns The options to use, and what was wired.
 * @throws {@link AuthenticationError} when a store cannot be read.
 */
export async function withMcpHeadersHelpers(
  options: Options,
  context: McpHelperContext,
): Promise<McpHelperWiring> {
  const servers = options.mcpServers;
  if (servers === undefined) return { options, wired: [], leftAlone: [] };
  const wired: { name: string; url: string }[] = [];
  const leftAlone: { name: string; reason: string }[] = [];
  const next: Record<string, McpServerConfig> = {};
  for (const [name, config] of Object.entries(servers)) {
    next[name] = config;
    if (!isRemote(config) || !(await hasLogin(config.url, context))) continue;
    const reason = reasonToLeaveAlone(config);
    if (reason !== undefined) {
      leftAlone.push({ name, reason });
      process.emitWarning(
        `The MCP server "${name}" has a claude-auth login but ${reason}; claude-auth left it as it is.`,
        { code: MCP_HELPER_SKIPPED_WARNING_CODE },
      );
      continue;
    }
    // The SDK's type lacks headersHelper; Claude Code's schema for http/sse entries has it
    // (checked in the bundled binary), and the SDK hands entries over as they are.
    next[name] = { ...config, headersHelper: helperCommand(context) } as unknown as McpServerConfig;
    wired.push({ name, url: config.url });
  }
  // An older Claude Code started through a custom executable may not know 'initialize'.
  const bundled =
    options.pathToClaudeCodeExecutable === undefined &&
    options.spawnClaudeCodeProcess === undefined;
  return {
    options: {
      ...options,
      mcpServers: next,
      ...(options.mcpServersDelivery === undefined &&
        bundled && { mcpServersDelivery: 'initialize' }),
    },
    wired,
    leftAlone,
  };
}

/**
 * Checks, before Claude Code starts, that the helpers it will run can read
 * their logins with the environment it gets. claude-auth never passes its
 * own secrets to Claude Code (`CLAUDE_AUTH_STORE_KEY`, a Redis URL with its
 * password: its tools could read them), so a store opened with them is out
 * of the helper's reach; their `*_FILE` variants name a private file, whose
 * path is no secret and passes. Without this check every tool of the server
 * would fail in the middle of the query.
 *
 * @param wired - The servers given a helper ({@link McpHelperWiring.wired}).
 * @param context - Claude Code's environment, and the profile.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the `*_FILE`
 *   variables, with the store's own error as `cause`.
 */
export async function checkHelpersReachLogins(
  wired: McpHelperWiring['wired'],
  context: Pick<McpHelperContext, 'env' | 'profile'>,
): Promise<void> {
  for (const { name, url } of wired) {
    let cause: unknown;
    try {
      const store = openMcpStore({
        serverUrl: url,
        env: context.env,
        ...(context.profile !== undefined && { profile: context.profile }),
      });
      if ((await store.read()) !== null) continue;
    } catch (error) {
      cause = error;
    }
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      `The MCP server "${name.slice(0, 80)}" has a claude-auth login, but the headersHelper Claude Code runs could not read it: claude-auth passes Claude Code no secret of its own (CLAUDE_AUTH_STORE_KEY, a password in CLAUDE_AUTH_STORE), and the store needs one.`,
      {
        fix: 'put them in private files, whose paths may pass: CLAUDE_AUTH_STORE_KEY_FILE=PATH and CLAUDE_AUTH_REDIS_PASSWORD_FILE=PATH, with CLAUDE_AUTH_STORE=redis://USER@HOST:PORT (no password in it)',
        ...(cause !== undefined && { cause }),
      },
    );
  }
}
