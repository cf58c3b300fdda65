import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';

/** One OAuth client registered at an interop provider. */
export interface InteropClient {
  id: string;
  /** Present for a confidential client. */
  secret?: string;
}

/**
 * An authorization server nobody here wrote (or oidc-provider, for
 * comparison), started by the tests on 127.0.0.1, with what the end-to-end
 * cases need to configure the CLI through `CLAUDE_OAUTH_*` alone and to ask
 * the server afterwards whether a token is live.
 */
export interface InteropProvider {
  /** For test names: "glewlwyd 2.7", … */
  readonly name: string;
  /** The issuer identifier, for discovery (`CLAUDE_OAUTH_ISSUER`). */
  readonly issuer: string;
  /** The endpoints, for a configuration without discovery. */
  readonly endpoints: {
    authorize: string;
    token: string;
    revocation: string;
    /** Absent when the server has no device authorization grant (RFC 8628). */
    device?: string;
  };
  /** The revocation endpoint when discovery does not announce one, else undefined. */
  readonly undiscoveredRevocation?: string;
  readonly publicClient: InteropClient;
  readonly confidentialClient: InteropClient & { secret: string };
  /** `CLAUDE_OAUTH_SCOPES` for this server. */
  readonly scopes: string;
  /** The email the test user's ID token / UserInfo carries. */
  readonly userEmail: string;
  /**
   * Whether RFC 7009 revocation works for a public client here; servers that
   * demand client authentication at the revocation endpoint refuse it.
   */
  readonly revokesForPublicClients: boolean;
  /**
   * Whether the server knows the `offline_access` scope (OpenID Connect Core
   * §11); without it, refresh tokens come by its own policy and asking for the
   * scope is an error.
   */
  readonly offersOfflineAccess: boolean;
  /** Whether confidential clients get a new refresh token on each refresh (public ones always do). */
  readonly rotatesConfidentialRefreshTokens: boolean;
  /** A loopback redirect URI the server accepts for both clients (`CLAUDE_OAUTH_REDIRECT_URI`). */
  redirectUri(): Promise<string>;
  /** Acts as the user on the server's own login and consent pages, from the authorization URL on. */
  signIn(page: Page, authorizationUrl: string): Promise<void>;
  /** Acts as the user on the server's device pages; undefined when the server has no device grant. */
  approveDevice?: (context: BrowserContext, verificationUrl: string) => Promise<void>;
  /** Whether the server considers this access token live (its introspection). */
  accessTokenActive(token: string): Promise<boolean>;
  /** Whether the server would still accept this refresh token, asked without using it up. */
  refreshTokenActive(token: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now, for servers that cannot be told to pick one. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Runs `sqlite3 DATABASE` with `sql` on stdin; resolves with its stdout. The
 * sqlite3 program comes with glewlwyd (a Debian dependency of it).
 */
export function runSqlite(database: string, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-bail', database], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`sqlite3 failed (${code}): ${stderr}`)),
    );
    child.stdin.end(sql);
  });
}

/** An SQL string literal. */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Starts a server process and resolves once a line of its output matches
 * `ready`; rejects with its output if it exits first. Output keeps being
 * drained (and kept, for failure messages) afterwards.
 */
export async function startServerProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; ready: RegExp },
): Promise<{ child: ChildProcess; output: () => string; match: RegExpMatchArray }> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = options.ready.exec(output);
      if (found !== null) resolve(found);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output.slice(-4000)}`)),
    );
  });
  return { child, output: () => output, match };
}

/** Ends a server process started by {@link startServerProcess} and waits for it. */
export async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** POSTs a form and returns status and parsed JSON (or null). */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

/** An HTTP Basic header as RFC 7617 writes it (no RFC 6749 §2.3.1 form-encoding: resource servers here are ours). */
export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}
