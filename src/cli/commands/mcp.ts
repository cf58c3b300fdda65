import { ENV_MCP_CLIENT_SECRET } from '../../mcp/client-registration.js';
import { activeProfile } from '../shared/active-profile.js';
import type { CliIO } from '../shared/cli-io.js';
import {
  booleanFlag,
  type Command,
  type Flags,
  secondsFlag,
  stringFlag,
  UsageError,
} from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';

const HELP = `Log in to OAuth-protected MCP servers once, then hand their tokens to
Claude Code (a headersHelper) without a person: refreshed under the one refresh
policy, one refresh across processes and machines.

Usage:
  claude-auth mcp login NAME URL [--client-id ID] [--client-secret-file FILE]
                                 [--client-metadata-url URL] [--scopes "A B"]
                                 [--no-browser | --device] [--timeout S] [--json]
  claude-auth mcp login NAME URL --client-credentials --client-id ID
                                 [--client-secret-file FILE | --client-assertion-key-file FILE]
  claude-auth mcp status [NAME] [--json]       # also asks each server if it takes the token
  claude-auth mcp logout NAME | --all [--json]
  claude-auth mcp token NAME [--min-ttl S]    # the access token only, on stdout
  claude-auth mcp headers [NAME]              # {"Authorization":"Bearer …"}
Every subcommand takes --profile NAME and --store STORE.
mcp status exits with the worst state it shows: 3 no login, 4 log in again,
5 the store cannot be read (the exit codes of every command).

The client: --client-id (its secret from CLAUDE_AUTH_MCP_CLIENT_SECRET or
--client-secret-file), else --client-metadata-url where the server supports
Client ID Metadata Documents, else dynamic registration (RFC 7591).
With --client-credentials the client logs in as itself (no person; MCP's
oauth-client-credentials extension): its secret as above, or private_key_jwt
with --client-assertion-key-file (PEM or JWK). Only where they come from is
stored; the grant is repeated when the token is due.

In .mcp.json or ~/.claude.json, for an http or sse server:
  "headersHelper": "claude-auth mcp headers"
(Claude Code names the server in CLAUDE_CODE_MCP_SERVER_URL for the helper.)

Examples:
  claude-auth mcp login docs https://mcp.example.com/mcp --device
  claude-auth mcp token docs --min-ttl 60
`;

const SUBCOMMANDS = ['login', 'status', 'logout', 'token', 'headers'] as const;

/** `claude-auth mcp login NAME URL`'s options. */
export interface McpLoginCommandOptions {
  readonly sub: 'login';
  readonly profile: string;
  /** The name the login is kept under (what `mcp token NAME` takes). */
  readonly name: string;
  /** The MCP server's URL. */
  readonly url: string;
  readonly clientId?: string;
  /** Where the client secret is read from (`--client-secret-file`); else `CLAUDE_AUTH_MCP_CLIENT_SECRET`. */
  readonly clientSecretFile?: string;
  readonly metadataUrl?: string;
  readonly scopes?: readonly string[];
  /**
   * `--client-credentials`: the client logs in as itself, with its secret
   * (`secretFile`, else the variable) or `private_key_jwt` (`keyFile`).
   */
  readonly clientCredentials?: { readonly secretFile?: string; readonly keyFile?: string };
  readonly device: boolean;
  readonly noBrowser: boolean;
  readonly timeoutMs?: number;
  readonly json: boolean;
}

/** `claude-auth mcp …`'s options, one shape per subcommand. */
export type McpCommandOptions =
  | McpLoginCommandOptions
  | {
      /** `token` prints the access token; `headers` Claude Code's headersHelper JSON. */
      readonly sub: 'token' | 'headers';
      readonly profile: string;
      /** The login's name; absent, Claude Code's `CLAUDE_CODE_MCP_SERVER_URL` names the server. */
      readonly server?: string;
      readonly minTtlMs?: number;
    }
  | {
      readonly sub: 'status';
      readonly profile: string;
      /** One login; absent, every login of the profile. */
      readonly server?: string;
      readonly json: boolean;
    }
  | {
      readonly sub: 'logout';
      readonly profile: string;
      /** Every login of the profile (`--all`), or the one named. */
      readonly target: { readonly all: true } | { readonly all: false; readonly server: string };
      readonly json: boolean;
    };

/**
 * Parses `claude-auth mcp SUBCOMMAND …`.
 *
 * @throws {@link UsageError} for an unknown subcommand, missing or extra
 *   arguments, `--device` with `--no-browser`, or a client secret without `--client-id`.
 */
export function parseMcpOptions(
  flags: Flags,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): McpCommandOptions {
  const sub = SUBCOMMANDS.find((name) => name === positionals[0]);
  if (sub === undefined) throw new UsageError(`expected one of ${SUBCOMMANDS.join(', ')}`);
  if (positionals.length > (sub === 'login' ? 3 : 2))
    throw new UsageError(`too many arguments for mcp ${sub}`);
  const server = positionals[1];
  const json = booleanFlag(flags, 'json');
  const profile = activeProfile(flags, env).profile;
  switch (sub) {
    case 'token':
    case 'headers': {
      const minTtlMs = secondsFlag(flags, 'min-ttl');
      return {
        sub,
        profile,
        ...(server !== undefined && { server }),
        ...(minTtlMs !== undefined && { minTtlMs }),
      };
    }
    case 'status':
      return { sub, profile, ...(server !== undefined && { server }), json };
    case 'logout':
      if ((server === undefined) === !booleanFlag(flags, 'all'))
        throw new UsageError('mcp logout takes NAME or --all');
      return {
        sub,
        profile,
        target: server === undefined ? { all: true } : { all: false, server },
        json,
      };
    case 'login':
      return parseMcpLogin(flags, positionals, env, profile);
    default: {
      const never: never = sub;
      throw new UsageError(`unknown subcommand ${never}`);
    }
  }
}

function parseMcpLogin(
  flags: Flags,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv,
  profile: string,
): McpLoginCommandOptions {
  const [, name, url] = positionals;
  if (name === undefined || url === undefined) throw new UsageError('mcp login takes NAME URL');
  const device = booleanFlag(flags, 'device');
  const noBrowser = booleanFlag(flags, 'no-browser');
  if (device && noBrowser) throw new UsageError('--device and --no-browser exclude each other');
  const clientId = stringFlag(flags, 'client-id');
  const clientSecretFile = stringFlag(flags, 'client-secret-file');
  const secretGiven =
    clientSecretFile !== undefined || (env[ENV_MCP_CLIENT_SECRET]?.trim() ?? '') !== '';
  if (secretGiven && clientId === undefined)
    throw new UsageError(`a client secret (${ENV_MCP_CLIENT_SECRET}) needs --client-id`);
  const scopes = stringFlag(flags, 'scopes');
  const metadataUrl = stringFlag(flags, 'client-metadata-url');
  const timeoutMs = secondsFlag(flags, 'timeout');
  const keyFile = stringFlag(flags, 'client-assertion-key-file');
  return {
    sub: 'login',
    profile,
    name,
    url,
    ...(clientId !== undefined && { clientId }),
    ...(clientSecretFile !== undefined && { clientSecretFile }),
    ...(metadataUrl !== undefined && { metadataUrl }),
    ...(scopes !== undefined && { scopes: scopes.split(/\s+/).filter(Boolean) }),
    ...(booleanFlag(flags, 'client-credentials') && {
      clientCredentials: {
        ...(clientSecretFile !== undefined && { secretFile: clientSecretFile }),
        ...(keyFile !== undefined && { keyFile }),
      },
    }),
    device,
    noBrowser,
    ...(timeoutMs !== undefined && { timeoutMs }),
    json: booleanFlag(flags, 'json'),
  };
}

/** Runs the MCP subcommand; only what it needs is loaded. */
export async function runMcp(options: McpCommandOptions, io: CliIO): Promise<ExitCode> {
  if (options.sub === 'login' || options.sub === 'status' || options.sub === 'logout') {
    const { runMcpManagement } = await import('./mcp-management.js');
    return runMcpManagement(options, io);
  }
  // `headers` runs at every MCP connect of Claude Code: nothing else is loaded for it.
  const { findMcpLogin, mcpAccessToken } = await import('../../mcp/mcp-access.js');
  const { mcpHeaders } = await import('../../mcp/mcp-headers.js');
  const login = await findMcpLogin({
    env: io.env,
    profile: options.profile,
    ...(options.server !== undefined && { server: options.server }),
  });
  const { minTtlMs } = options;
  const token = await mcpAccessToken(login, minTtlMs === undefined ? {} : { minTtlMs });
  io.stdout.write(
    options.sub === 'token' ? `${token.accessToken}\n` : `${JSON.stringify(mcpHeaders(token))}\n`,
  );
  return ExitCode.OK;
}

/** `claude-auth mcp …`: logins to OAuth-protected MCP servers. */
export const mcpCommand: Command<McpCommandOptions> = {
  name: 'mcp',
  summary: 'Log in to OAuth-protected MCP servers; headers for Claude Code',
  positionals: true,
  flags: {
    'client-id': { type: 'string' },
    'client-secret-file': { type: 'string' },
    'client-metadata-url': { type: 'string' },
    'client-credentials': { type: 'boolean' },
    'client-assertion-key-file': { type: 'string' },
    scopes: { type: 'string' },
    'no-browser': { type: 'boolean' },
    device: { type: 'boolean' },
    timeout: { type: 'string' },
    'min-ttl': { type: 'string' },
    all: { type: 'boolean', short: 'a' },
    json: { type: 'boolean' },
  },
  help: HELP,
  parse: parseMcpOptions,
  run: runMcp,
};
