import { readFile } from 'node:fs/promises';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { ENV_MCP_CLIENT_SECRET } from '../../mcp/client-registration.js';
import { findMcpLogin, type McpLogin, mcpLoginCommand } from '../../mcp/mcp-access.js';
import { mcpLogin } from '../../mcp/mcp-login.js';
import { mcpServers, recordMcpServer } from '../../mcp/mcp-server-index.js';
import { revokeProviderTokens } from '../../oauth/provider-tokens.js';
import { resolveProfile } from '../../profile/profile-paths.js';
import { isRenewable } from '../../refresh/credential-standing.js';
import { refreshState } from '../../refresh/refresh-policy.js';
import { replaceCredential } from '../../store/replace-credential.js';
import { type CliIO, palette } from '../shared/cli-io.js';
import { type Flags, secondsFlag, stringFlag, UsageError } from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { relativeTime } from '../shared/profile-report.js';

async function clientSecret(flags: Flags, io: CliIO): Promise<string | undefined> {
  const file = stringFlag(flags, 'client-secret-file');
  if (file !== undefined) return (await readFile(file, 'utf8')).trim();
  const fromEnv = io.env[ENV_MCP_CLIENT_SECRET]?.trim();
  return fromEnv === '' ? undefined : fromEnv;
}

/** `--client-credentials`: where the client's secret or key file is (else the secret's variable). */
function machineClientFiles(flags: Flags): { secretFile?: string; keyFile?: string } {
  const secretFile = stringFlag(flags, 'client-secret-file');
  const keyFile = stringFlag(flags, 'client-assertion-key-file');
  return {
    ...(secretFile !== undefined && { secretFile }),
    ...(keyFile !== undefined && { keyFile }),
  };
}

async function login(flags: Flags, positionals: string[], io: CliIO): Promise<ExitCode> {
  const [, name, url] = positionals;
  if (name === undefined || url === undefined) throw new UsageError('mcp login takes NAME URL');
  if (flags.device === true && flags['no-browser'] === true)
    throw new UsageError('--device and --no-browser exclude each other');
  const clientId = stringFlag(flags, 'client-id');
  const secret = await clientSecret(flags, io);
  if (secret !== undefined && clientId === undefined)
    throw new UsageError(`a client secret (${ENV_MCP_CLIENT_SECRET}) needs --client-id`);
  const profile = stringFlag(flags, 'profile');
  const scopes = stringFlag(flags, 'scopes');
  const metadataUrl = stringFlag(flags, 'client-metadata-url');
  const timeoutMs = secondsFlag(flags, 'timeout');
  const result = await mcpLogin({
    name,
    url,
    env: io.env,
    flow: { input: io.stdin, output: io.stderr },
    ...(profile !== undefined && { profile }),
    ...(clientId !== undefined && { clientId }),
    ...(secret !== undefined && clientId !== undefined && { clientSecret: secret }),
    ...(metadataUrl !== undefined && { metadataDocumentUrl: metadataUrl }),
    ...(scopes !== undefined && { scopes: scopes.split(/\s+/).filter(Boolean) }),
    ...(flags.device === true && { device: true }),
    ...(flags['no-browser'] === true && { noBrowser: true }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(flags['client-credentials'] === true && {
      clientCredentials: machineClientFiles(flags),
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
  if (flags.json === true)
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

async function logins(flags: Flags, positionals: string[], io: CliIO): Promise<McpLogin[]> {
  const profile = stringFlag(flags, 'profile');
  const name = positionals[1];
  const base = { env: io.env, ...(profile !== undefined && { profile }) };
  if (name !== undefined) return [await findMcpLogin({ ...base, server: name })];
  const resolved = resolveProfile(base).profile;
  return Promise.all(
    Object.keys(await mcpServers(resolved, io.env)).map((server) =>
      findMcpLogin({ ...base, server }),
    ),
  );
}

async function status(flags: Flags, positionals: string[], io: CliIO): Promise<ExitCode> {
  const now = Date.now();
  const reports = await Promise.all(
    (await logins(flags, positionals, io)).map((l) => statusOf(l, now)),
  );
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return ExitCode.OK;
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
    if ('fix' in report && report.fix !== undefined) io.stdout.write(`  fix: ${report.fix}\n`);
  }
  return ExitCode.OK;
}

async function logout(flags: Flags, positionals: string[], io: CliIO): Promise<ExitCode> {
  if ((positionals[1] === undefined) === (flags.all !== true))
    throw new UsageError('mcp logout takes NAME or --all');
  const c = palette(io.stderr, io.env);
  const results = [];
  for (const login of await logins(flags, positionals, io)) {
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
      revocations: revocations.map(({ token, revoked, error }) => ({
        token,
        revoked,
        ...(error !== undefined && { error: error.toJSON() }),
      })),
    });
  }
  if (flags.json === true) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return ExitCode.OK;
}

/**
 * The MCP subcommands that are not on Claude Code's connect path (`login`,
 * `status`, `logout`); loaded only when one of them runs.
 *
 * @param sub - The subcommand.
 * @param flags - Parsed flags.
 * @param positionals - `[sub, NAME?, URL?]`.
 * @param io - Streams and environment.
 */
export async function runMcpManagement(
  sub: 'login' | 'status' | 'logout',
  flags: Flags,
  positionals: string[],
  io: CliIO,
): Promise<ExitCode> {
  switch (sub) {
    case 'login':
      return login(flags, positionals, io);
    case 'status':
      return status(flags, positionals, io);
    case 'logout':
      return logout(flags, positionals, io);
    default: {
      const never: never = sub;
      throw new AuthenticationError(AuthErrorCode.CONFIG_INVALID, `unknown subcommand ${never}`);
    }
  }
}
