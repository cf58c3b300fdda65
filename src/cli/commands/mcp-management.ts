import { readFile } from 'node:fs/promises';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { ENV_MCP_CLIENT_SECRET } from '../../mcp/client-registration.js';
import { findMcpLogin, type McpLogin, mcpLoginCommand } from '../../mcp/mcp-access.js';
import { mcpLogin } from '../../mcp/mcp-login.js';
import { mcpServerRefusal } from '../../mcp/mcp-rejection.js';
import { mcpServers, recordMcpServer } from '../../mcp/mcp-server-index.js';
import { revocationJson, revokeProviderTokens } from '../../oauth/provider-tokens.js';
import { isRenewable } from '../../refresh/credential-standing.js';
import { refreshState } from '../../refresh/refresh-policy.js';
import { replaceCredential } from '../../store/replace-credential.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { ExitCode, worstExitCode } from '../shared/exit-codes.js';
import { relativeTime } from '../shared/profile-report.js';
import type { McpCommandOptions, McpLoginCommandOptions } from './mcp.js';

async function clientSecret(
  options: McpLoginCommandOptions,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const file = options.clientSecretFile;
  if (file !== undefined) return (await readFile(file, 'utf8')).trim();
  const fromEnv = env[ENV_MCP_CLIENT_SECRET]?.trim();
  return fromEnv === '' ? undefined : fromEnv;
}

async function login(options: McpLoginCommandOptions, io: CliIO): Promise<ExitCode> {
  const { name, url, clientId, metadataUrl, scopes, timeoutMs } = options;
  const secret = await clientSecret(options, io.env);
  const result = await mcpLogin({
    name,
    url,
    env: io.env,
    flow: { input: io.stdin, output: io.stderr },
    profile: options.profile,
    ...(clientId !== undefined && { clientId }),
    ...(secret !== undefined && clientId !== undefined && { clientSecret: secret }),
    ...(metadataUrl !== undefined && { metadataDocumentUrl: metadataUrl }),
    ...(scopes !== undefined && { scopes: [...scopes] }),
    ...(options.device && { device: true }),
    ...(options.noBrowser && { noBrowser: true }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(options.clientCredentials !== undefined && {
      clientCredentials: options.clientCredentials,
    }),
  });
  const c = palette(io.stderr, io.env);
  io.stderr.write(
    `${c.green('✓')} Logged in to the MCP server "${name}" (${result.protectedResource.serverUrl}); stored in ${result.store.location}.\n`,
  );
  if (!isRenewable(result.token))
    io.stderr.write(
      `  ${c.yellow('!')} The server issued no refresh token: log in again when the token expires.\n`,
    );
  if (options.json)
    io.stdout.write(
      `${JSON.stringify({ name, ...describeToken(result.token), store: result.store }, null, 2)}\n`,
    );
  return ExitCode.OK;
}

/** A stored MCP login as `status` shows it: never a token. */
function describeToken(token: import('../../token/auth-token.js').AuthToken) {
  const provider = token.provider;
  return {
    url: token.mcpServer?.url,
    resource: provider?.resource,
    authorizationServer: provider?.issuer,
    clientId: provider?.clientId,
    registration: provider?.registration,
    scopes: token.scopes,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    refreshToken: token.refreshToken !== undefined,
  };
}

async function statusOf(login: McpLogin, now: number) {
  const where = login.store.describe();
  const base = {
    name: login.name,
    url: login.serverUrl,
    backend: where.backend,
    location: where.location,
  };
  const fix = mcpLoginCommand(login.name, login.serverUrl, login.profile);
  try {
    const stored = await login.store.read();
    if (stored === null) return { ...base, state: 'not logged in', fix };
    const token = stored.token;
    const state = token.reauthRequired
      ? 're-login required'
      : token.isExpired(0, now) && !isRenewable(token)
        ? 'expired'
        : refreshState(token, now) === 'fresh'
          ? 'valid'
          : 'refresh due';
    // As `gh auth status` does: the server's own answer, for a token that should work.
    const refusal = state === 'valid' ? await mcpServerRefusal(login, token) : undefined;
    if (refusal !== undefined)
      return {
        ...base,
        ...describeToken(token),
        state: 'refused by the server',
        error: refusal.toJSON(),
        fix: refusal.fix,
      };
    return {
      ...base,
      ...describeToken(token),
      state,
      ...((state === 're-login required' || state === 'expired') && { fix }),
    };
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    return {
      ...base,
      state: 'unreadable',
      error: error.toJSON(),
      ...(error.fix !== undefined && { fix: error.fix }),
    };
  }
}

/** The logins of the profile: the one named, or every one its server index lists. */
async function logins(
  profile: string,
  server: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<McpLogin[]> {
  const base = { env, profile };
  if (server !== undefined) return [await findMcpLogin({ ...base, server })];
  return Promise.all(
    Object.keys(await mcpServers(profile, env)).map((name) =>
      findMcpLogin({ ...base, server: name }),
    ),
  );
}

/** Why a login shown by `status` is not usable, as the error code `mcp token` would fail with. */
function problemOf(report: Awaited<ReturnType<typeof statusOf>>): AuthErrorCode | undefined {
  if ('error' in report) return report.error.code;
  if (report.state === 'not logged in') return AuthErrorCode.NOT_LOGGED_IN;
  if (report.state === 're-login required' || report.state === 'expired')
    return AuthErrorCode.REAUTH_REQUIRED;
  return undefined;
}

async function status(options: McpStatusOptions, io: CliIO): Promise<ExitCode> {
  const now = Date.now();
  const reports = await Promise.all(
    (await logins(options.profile, options.server, io.env)).map((l) => statusOf(l, now)),
  );
  // The same exit code as `status` and `mcp token` for the same state; no login at all is 3, as there.
  const exit =
    reports.length === 0 ? ExitCode.NOT_LOGGED_IN : worstExitCode(reports.map(problemOf));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return exit;
  }
  if (reports.length === 0)
    io.stdout.write('No MCP server logins. Add one: claude-auth mcp login NAME URL\n');
  for (const report of reports) {
    const expiry =
      'expiresAt' in report && typeof report.expiresAt === 'string'
        ? `, expires ${relativeTime(Date.parse(report.expiresAt) - now)}`
        : '';
    io.stdout.write(
      `${report.name ?? report.url}: ${report.state}${expiry}\n  server ${report.url}\n`,
    );
    if ('authorizationServer' in report)
      io.stdout.write(
        `  authorization server ${report.authorizationServer ?? 'unknown'}, client ${report.clientId} (${report.registration ?? 'unknown'}), refresh token ${report.refreshToken ? 'yes' : 'no'}\n`,
      );
    io.stdout.write(`  stored in ${report.location} (${report.backend})\n`);
    if (report.state === 'refused by the server' && 'error' in report)
      io.stdout.write(`  ${report.error.message}\n`);
    if ('fix' in report && report.fix !== undefined) io.stdout.write(`  fix: ${report.fix}\n`);
  }
  return exit;
}

async function logout(options: McpLogoutOptions, io: CliIO): Promise<ExitCode> {
  const c = palette(io.stderr, io.env);
  const results = [];
  const server = options.target.all ? undefined : options.target.server;
  for (const login of await logins(options.profile, server, io.env)) {
    // Local first, always: a server that cannot be reached must not keep the login here.
    const { previous } = await replaceCredential(login.store, null);
    if (login.name !== undefined)
      await recordMcpServer(login.profile, login.name, undefined, io.env);
    const label = login.name ?? login.serverUrl;
    if (previous === null) {
      io.stderr.write(`The MCP server "${label}" was not logged in.\n`);
      results.push({ name: login.name, url: login.serverUrl, removed: false, revocations: [] });
      continue;
    }
    const revocations = previous.provider === undefined ? [] : await revokeProviderTokens(previous);
    io.stderr.write(`${c.green('✓')} Logged out of the MCP server "${label}".\n`);
    if (revocations.length === 0)
      io.stderr.write(
        `  ${c.yellow('!')} Nothing was revoked: the authorization server names no revocation endpoint (RFC 7009).\n`,
      );
    for (const outcome of revocations)
      io.stderr.write(
        outcome.revoked
          ? `  The ${outcome.token.replace('_', ' ')} was revoked.\n`
          : `  ${c.yellow('!')} The ${outcome.token.replace('_', ' ')} was not revoked (the local logout is done): ${outcome.error?.message}\n`,
      );
    results.push({
      name: login.name,
      url: login.serverUrl,
      removed: true,
      revocations: revocations.map(revocationJson),
    });
  }
  if (options.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return ExitCode.OK;
}

type McpStatusOptions = Extract<McpCommandOptions, { sub: 'status' }>;
type McpLogoutOptions = Extract<McpCommandOptions, { sub: 'logout' }>;

/**
 * The MCP subcommands that are not on Claude Code's connect path (`login`,
 * `status`, `logout`); loaded only when one of them runs.
 *
 * @param options - The parsed options of one of them.
 * @param io - Streams and environment.
 */
export async function runMcpManagement(
  options: McpLoginCommandOptions | McpStatusOptions | McpLogoutOptions,
  io: CliIO,
): Promise<ExitCode> {
  switch (options.sub) {
    case 'login':
      return login(options, io);
    case 'status':
      return status(options, io);
    case 'logout':
      return logout(options, io);
    default: {
      const never: never = options;
      throw new AuthenticationError(
        AuthErrorCode.CONFIG_INVALID,
        `unknown subcommand ${(never as { sub: string }).sub}`,
      );
    }
  }
}
