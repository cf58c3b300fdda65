import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { isLoopbackHost } from '../oauth/loopback.js';
import { loginCommand } from '../profile/fix-commands.js';
import type { ResolvedCredential } from './resolved-credential.js';

/**
 * The one place that decides where a credential may be sent (the base URL
 * Claude Code talks to). Every path that hands a credential on — the query's
 * child environment, the middleware, and the check of Claude Code's settings
 * files — asks here:
 *
 * - a Claude subscription token (stored, from `CLAUDE_CODE_OAUTH_TOKEN`, or
 *   Claude Code's own login) goes to Anthropic's API. Another base URL only on
 *   an explicit opt-in: `ANTHROPIC_BASE_URL` in the call's own `options.env`, or
 *   {@link SUBSCRIPTION_BASE_URL_VARIABLE}. An inherited `ANTHROPIC_BASE_URL`
 *   (the parent's environment, a settings file) is not an opt-in: whoever set
 *   it for an API-key proxy did not mean to hand it a Pro/Max login;
 * - a stored gateway token goes only to the API base URL stored with it; none
 *   stored is `CONFIG_INVALID` (never api.anthropic.com, which would receive a
 *   token meant for the gateway);
 * - an API key, or a bearer token the caller passed in headers, goes where the
 *   caller's environment says (`ANTHROPIC_BASE_URL`, inherited or not);
 * - no credential travels over plain `http` except to a loopback address.
 */

/**
 * The variable that opts a subscription token in to a base URL other than
 * Anthropic's API: set it to that URL (e.g. an LLM gateway you trust with the
 * login). It may be inherited; naming it is the explicit act.
 */
export const SUBSCRIPTION_BASE_URL_VARIABLE = 'CLAUDE_AUTH_SUBSCRIPTION_BASE_URL';

/** The variable through which Claude Code is pointed at another API host. */
export const BASE_URL_VARIABLE = 'ANTHROPIC_BASE_URL';

/** The environments a destination is decided from. */
export interface DestinationContext {
  /** What the process inherited (normally `process.env`). */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  /** What the call set explicitly (a query's `options.env`); wins over `inherited`. */
  readonly explicit?: Readonly<Record<string, string | undefined>> | undefined;
}

function insecure(credential: ResolvedCredential, url: string, why: string): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `Refusing to send the ${credential.kind} credential to ${url}: ${why}.`,
    { fix: `use an https:// address (plain http is allowed only for 127.0.0.1, ::1, localhost)` },
  );
}

/**
 * Checks that `url` is an absolute http(s) URL a credential may travel to:
 * https anywhere, http only on loopback.
 *
 * @param credential - The credential (named in the error).
 * @param url - The base URL.
 * @returns The URL as given.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` with the fix.
 */
export function assertSecureDestination(credential: ResolvedCredential, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw insecure(credential, JSON.stringify(url), 'it is not an absolute URL');
  }
  if (parsed.protocol === 'https:') return url;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return url;
  throw insecure(
    credential,
    parsed.origin,
    parsed.protocol === 'http:' ? 'plain http off this machine' : `scheme ${parsed.protocol}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Whether a base URL from an inherited place (environment, settings file) may carry this credential. */
function inheritedBaseUrlAllowed(credential: ResolvedCredential): boolean {
  return (
    credential.kind === 'api-key' ||
    (credential.kind === 'oauth' &&
      credential.apiBaseUrl === undefined &&
      credential.source === 'option')
  );
}

/**
 * The base URL a credential is sent to, or `undefined` for Anthropic's API
 * (`ANTHROPIC_BASE_URL` removed from the child's environment).
 *
 * @param credential - The credential about to be handed on.
 * @param context - The inherited and explicit environments.
 * @throws {@link AuthenticationError} `CONFIG_INVALID`: a gateway token with no
 *   API base URL stored, or a destination over plain http off loopback.
 */
export function credentialDestination(
  credential: ResolvedCredential,
  context: DestinationContext,
): string | undefined {
  const explicit = nonEmpty(context.explicit?.[BASE_URL_VARIABLE]);
  const inherited = nonEmpty(context.inherited[BASE_URL_VARIABLE]);
  let destination: string | undefined;
  switch (credential.kind) {
    case 'oauth':
      if (credential.apiBaseUrl !== undefined) destination = credential.apiBaseUrl;
      else if (credential.source === 'option') destination = explicit ?? inherited;
      else {
        const profile = credential.profile ?? 'default';
        throw new AuthenticationError(
          AuthErrorCode.CONFIG_INVALID,
          `The gateway token of profile "${profile}" has no API base URL stored, so claude-auth does not know where it may be sent (it is never sent to api.anthropic.com).`,
          {
            fix: `export CLAUDE_OAUTH_API_BASE_URL=https://your-gateway.example && ${loginCommand(credential.profile)}`,
          },
        );
      }
      break;
    case 'claude-subscription':
    case 'claude-code-login':
      destination =
        explicit ??
        nonEmpty(context.explicit?.[SUBSCRIPTION_BASE_URL_VARIABLE]) ??
        nonEmpty(context.inherited[SUBSCRIPTION_BASE_URL_VARIABLE]);
      break;
    case 'api-key':
      destination = explicit ?? inherited;
      break;
    default:
      return assertNever(credential.kind);
  }
  return destination === undefined ? undefined : assertSecureDestination(credential, destination);
}

/**
 * The credential with its destination decided, once: every child environment
 * and every hand-over into a running query reads `credential.destination`
 * from here on, never the headers or the environment again. A credential
 * already routed is returned as it is.
 *
 * @param credential - The credential about to be handed on.
 * @param context - The inherited and explicit environments.
 * @returns The credential carrying its destination (`null`: Anthropic's API).
 * @throws {@link AuthenticationError} `CONFIG_INVALID`, as {@link credentialDestination}.
 */
export function routeCredential(
  credential: ResolvedCredential,
  context: DestinationContext,
): ResolvedCredential {
  if (credential.destination !== undefined) return credential;
  return credential.withDestination(credentialDestination(credential, context) ?? null);
}

/**
 * Whether a base URL set where claude-auth cannot override it (a Claude Code
 * settings file's `env` block, which beats the child's environment) still
 * sends the credential somewhere {@link credentialDestination} allows.
 *
 * @param credential - The credential being injected.
 * @param destination - What {@link credentialDestination} decided.
 * @param baseUrl - The settings file's `ANTHROPIC_BASE_URL`.
 */
export function destinationAllows(
  credential: ResolvedCredential,
  destination: string | undefined,
  baseUrl: string,
): boolean {
  if (destination !== undefined && sameBaseUrl(destination, baseUrl)) return true;
  if (!inheritedBaseUrlAllowed(credential)) return false;
  try {
    assertSecureDestination(credential, baseUrl);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether two base URLs name the same API: the same origin and the same path
 * (a trailing slash aside). The path counts because one gateway host may serve
 * several APIs under different prefixes, and a token is for the one stored.
 */
function sameBaseUrl(a: string, b: string): boolean {
  try {
    const left = new URL(a);
    const right = new URL(b);
    return (
      left.origin === right.origin &&
      left.pathname.replace(/\/$/, '') === right.pathname.replace(/\/$/, '')
    );
  } catch {
    return false;
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected credential kind ${String(value)}`);
}
