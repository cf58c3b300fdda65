import { resolve } from 'node:path';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import {
  claudeCodeVariableRole,
  competesWith,
  isClaudeAuthPath,
  isClaudeAuthSecret,
} from './claude-code-variables.js';
import {
  BASE_URL_VARIABLE,
  routeCredential,
  SUBSCRIPTION_BASE_URL_VARIABLE,
} from './credential-destination.js';
import {
  CUSTOM_HEADERS_VARIABLE,
  type ResolvedCredential,
  withoutCredentialHeaders,
} from './resolved-credential.js';

/**
 * The environment for Claude Code, the one function that decides it:
 *
 * 1. `base` (normally `process.env`), then the caller's `options.env` over it —
 *    the agent SDK would otherwise *replace* the environment, losing `PATH` and
 *    `HOME`;
 * 2. claude-auth's own secrets removed, always (`isClaudeAuthSecret`: the store
 *    key, a Redis URL with its password, the OAuth client secret), and its own
 *    paths (`isClaudeAuthPath`: `CLAUDE_AUTH_DIR`, the `_FILE` variables) made
 *    absolute against the caller's working directory, so Claude Code, running
 *    in the query's `options.cwd`, finds the same store and files;
 * 3. with a credential (Claude Code's own login and Anthropic's federation
 *    too: nothing is injected for them, but the chain chose them, so nothing
 *    may compete): every variable the table of Claude Code's variables
 *    (`CLAUDE_CODE_VARIABLES`) says competes with it (`competesWith`)
 *    removed — competing credentials, `CLAUDE_CODE_USE_BEDROCK` / `_VERTEX` /
 *    `_FOUNDRY` and their settings, base URLs, and the federation variables
 *    unless the federation is the credential chosen — as is any
 *    `Authorization` or `x-api-key` line of `ANTHROPIC_CUSTOM_HEADERS`; then the
 *    credential's own variables and `ANTHROPIC_BASE_URL` where
 *    `credentialDestination` allows it to go (absent: Anthropic's API; a
 *    plain-http loopback one also in `NO_PROXY`).
 *
 * Without a credential (`query()`), everything but claude-auth's secrets
 * passes: Claude Code then authenticates as it would on its own (its login,
 * `ANTHROPIC_API_KEY`, a provider switch, Anthropic's federation).
 *
 * @param base - The starting (inherited) environment.
 * @param overrides - The query's `options.env`: what the call set explicitly.
 * @param credential - The credential to inject, if any.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when the credential may not go anywhere the environment names.
 */
export function childEnvironment(
  base: NodeJS.ProcessEnv,
  overrides: Readonly<Record<string, string | undefined>> | undefined,
  credential?: ResolvedCredential,
): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...base, ...overrides };
  for (const [name, value] of Object.entries(merged)) {
    if (isClaudeAuthSecret(name, value)) delete merged[name];
    // An empty value means "the default" to claude-auth, not the current directory.
    else if (value && isClaudeAuthPath(name)) merged[name] = resolve(value);
  }
  if (credential !== undefined) {
    const routed = routeCredential(credential, { inherited: base, explicit: overrides });
    const custom = merged[CUSTOM_HEADERS_VARIABLE];
    for (const name of Object.keys(merged))
      if (competesWith(claudeCodeVariableRole(name), credential.kind)) delete merged[name];
    delete merged[SUBSCRIPTION_BASE_URL_VARIABLE];
    // Its other lines still apply; a credential line would replace the injected credential.
    if (custom !== undefined) merged[CUSTOM_HEADERS_VARIABLE] = withoutCredentialHeaders(custom);
    Object.assign(merged, credentialVariables(routed));
    if (routed.destination) bypassProxyForPlainHttp(merged, routed.destination);
  }
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * The variables that hand a routed credential to Claude Code: its own (see
 * `ResolvedCredential.toEnv`) and `ANTHROPIC_BASE_URL` when it goes somewhere
 * other than Anthropic's API. Used at the start and for every hand-over.
 *
 * @param credential - A credential whose destination is decided (`routeCredential`).
 */
export function credentialVariables(credential: ResolvedCredential): Record<string, string> {
  return {
    ...credential.toEnv(),
    ...(credential.destination && { [BASE_URL_VARIABLE]: credential.destination }),
  };
}

/**
 * The variables that hand a renewed credential to a running Claude Code
 * (`Query.applyFlagSettings({ env })`), or a refusal when it is for another
 * destination than the running one: after a re-login of the profile to
 * gateway B during a query started for gateway A, B's token must not go to A,
 * and the running conversation is not moved to B behind the caller's back
 * (its history went to A). The query keeps its credential until A rejects it,
 * then ends with this error; a new query goes to B.
 *
 * @param running - The routed credential the session uses now.
 * @param next - The routed renewed credential.
 * @throws {@link AuthenticationError} `API_AUTH_FAILED` naming both destinations and the fix.
 */
export function handOverVariables(
  running: ResolvedCredential | undefined,
  next: ResolvedCredential,
): Record<string, string> {
  const from = running?.destination ?? null;
  const to = next.destination ?? null;
  if (from === to) return credentialVariables(next);
  const name = (destination: string | null) => destination ?? "Anthropic's API";
  const profile = next.profile ? `profile "${next.profile}"` : 'the credential';
  throw new AuthenticationError(
    AuthErrorCode.API_AUTH_FAILED,
    `The ${profile} now goes to ${name(to)}, but this query was started for ${name(from)}; claude-auth does not move a running session to another destination.`,
    { fix: `start a new query (it will use ${name(to)})` },
  );
}

/** The proxy exclusion lists Claude Code reads (both spellings are in use). */
const NO_PROXY_VARIABLES = ['NO_PROXY', 'no_proxy'] as const;

/**
 * Plain http is allowed only to loopback, but Claude Code sends plain-http
 * requests through `HTTP_PROXY` when one is set: the credential would leave
 * the machine in clear text. The loopback destination is added to the proxy
 * exclusions, so the request stays on this machine.
 */
function bypassProxyForPlainHttp(
  env: Record<string, string | undefined>,
  destination: string,
): void {
  const url = new URL(destination);
  if (url.protocol !== 'http:') return;
  const hosts = [url.hostname, url.hostname.replace(/^\[(.*)\]$/, '$1')];
  // One list under both spellings: setting one that was unset would hide the
  // other's exclusions from tools that read it first (curl and undici read no_proxy).
  const listed = NO_PROXY_VARIABLES.flatMap((name) => (env[name] ?? '').split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const excluded = [...new Set([...listed, ...hosts])].join(',');
  for (const name of NO_PROXY_VARIABLES) env[name] = excluded;
}
