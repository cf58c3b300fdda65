import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ResolvedCredential } from '../credentials/resolved-credential.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** What renews a credential the API rejected (see `CredentialSession.renew`). */
export interface RenewalSource {
  /**
   * A different valid credential after the API answered 401, if one can be had;
   * rejects with the renewal's own error when renewing failed.
   */
  renew?(rejected: ResolvedCredential): Promise<ResolvedCredential | undefined>;
}

/** What to do after one message from Claude Code. */
export type RecoveryStep =
  | { readonly action: 'continue' }
  | { readonly action: 'hand-over'; readonly credential: ResolvedCredential }
  | { readonly action: 'fail'; readonly error: AuthenticationError };

/** 401: the credential is not (or no longer) valid; worth renewing. */
const UNAUTHORIZED = 401;
/** 403: the credential is valid but not allowed this; renewing it changes nothing (RFC 9110 §15.5.4). */
const FORBIDDEN = 403;

/**
 * The command that fixes a rejected credential, by where it came from.
 *
 * @param credential - The rejected credential.
 */
export function fixFor(credential: ResolvedCredential | undefined): string {
  if (credential === undefined) return 'claude-auth status   # shows which credential is used';
  const profileFlag =
    credential.profile && credential.profile !== 'default'
      ? ` --profile ${credential.profile}`
      : '';
  switch (credential.source) {
    case 'profile':
      return `claude-auth login${profileFlag}`;
    case 'claude-code-login':
      return 'claude auth login';
    case 'env:CLAUDE_CODE_OAUTH_TOKEN':
      return 'replace CLAUDE_CODE_OAUTH_TOKEN, or unset it and run `claude-auth login`';
    case 'anthropic-federation':
      return "check that the federation rule (Claude Console, Workload identity) accepts this job's identity token; set ANTHROPIC_WORKSPACE_ID if the rule spans several workspaces";
    default:
      return 'check the API key in the Anthropic Console (and that it has no extra spaces)';
  }
}

/**
 * The error for a credential the Claude API refused.
 *
 * @param status - The HTTP status (401, 403), when known.
 * @param credential - The refused credential (described, never shown).
 * @param detail - What Claude Code reported.
 */
export function apiAuthFailed(
  status: number | undefined,
  credential: ResolvedCredential | undefined,
  detail?: string,
  freshlyRenewed = false,
): AuthenticationError {
  const what =
    credential === undefined
      ? 'the credential'
      : `the ${credential.kind} credential from ${credential.source}`;
  const code = status === undefined ? '' : ` (HTTP ${status})`;
  const permission =
    status === FORBIDDEN ? ' It is valid but not allowed to do this (a permission answer).' : '';
  const renewed = freshlyRenewed
    ? ' It had just been renewed, so renewing or logging in again will not help.'
    : '';
  return new AuthenticationError(
    AuthErrorCode.API_AUTH_FAILED,
    `The Claude API rejected ${what}${code}${detail ? `: ${detail}` : ''}.${permission}${renewed}`,
    {
      fix:
        status === FORBIDDEN
          ? 'check what the account or key may use (model, organisation, workspace) in its console'
          : freshlyRenewed
            ? rejectedWhenFresh(credential)
            : fixFor(credential),
      ...(status !== undefined && { status }),
      secrets: [credential?.secret],
    },
  );
}

/**
 * The error for a 401 whose renewal failed: why, with the renewal's fix (a
 * machine grant's refusal names its variable, where `claude-auth login` would
 * start a person's login) and its error as the cause.
 */
function renewalFailed(
  status: number,
  credential: ResolvedCredential | undefined,
  cause: unknown,
): AuthenticationError {
  const refusal = cause instanceof AuthenticationError ? cause : undefined;
  return new AuthenticationError(
    AuthErrorCode.API_AUTH_FAILED,
    `${apiAuthFailed(status, credential).summary} Renewing it failed: ${refusal?.summary ?? 'an unexpected error (see the cause)'}`,
    { fix: refusal?.fix ?? fixFor(credential), status, cause, secrets: [credential?.secret] },
  );
}

/**
 * What can help when the API refuses a credential its provider has just issued:
 * the destination or the account, not another login.
 */
function rejectedWhenFresh(credential: ResolvedCredential | undefined): string {
  const where = credential?.apiBaseUrl ?? 'the API base URL';
  return `check that ${where} is the gateway this provider's tokens are for and that the account may use it (claude-auth status shows both); to point the profile elsewhere: export CLAUDE_OAUTH_API_BASE_URL=… && ${fixFor(credential)}`;
}

/**
 * The authentication failure a message reports, if any.
 *
 * @param message - A message from Claude Code.
 */
export function authFailureOf(
  message: SDKMessage,
): { status?: number; detail?: string } | undefined {
  const fields = message as { api_error_status?: number | null; error_status?: number | null };
  const status = fields.api_error_status ?? fields.error_status ?? undefined;
  if (message.type === 'assistant' && message.error === 'authentication_failed') {
    return status === undefined ? {} : { status };
  }
  if (message.type === 'result' && message.is_error) {
    const text = 'result' in message && typeof message.result === 'string' ? message.result : '';
    if (
      status === UNAUTHORIZED ||
      status === FORBIDDEN ||
      /not logged in|invalid api key|authentication/i.test(text)
    ) {
      return {
        ...(status !== undefined && { status }),
        ...(text && { detail: text.slice(0, 200) }),
      };
    }
  }
  return undefined;
}

/**
 * Watches a running query's messages for authentication failures:
 *
 * - a 401 the CLI is about to retry (for minutes) is seen on its first
 *   `api_retry`: the credential is renewed (`hand-over`), or, when nothing
 *   better exists, the query ends at once (`fail`, `API_AUTH_FAILED`). The
 *   401 right after a hand-over is let through once: that retry may still have
 *   carried the old credential. A 401 for the renewed credential itself ends
 *   the query: the API refuses even a fresh one, so renewals are bounded to
 *   one per rejected credential and the error says what can help;
 * - a 403 is a permission answer, not an expired credential: never renewed;
 * - a failure Claude Code reports in its messages turns the official
 *   iterator's plain `Error` into an `AuthenticationError` ({@link AuthRecovery.translate}).
 */
export class AuthRecovery {
  readonly #source: RenewalSource | undefined;
  #reported: { status?: number; detail?: string } | undefined;
  #justHandedOver = false;
  /** The secret the last 401 renewal produced: refused too, it ends the query. */
  #renewedSecret: string | undefined;

  /**
   * @param source - What renews a rejected credential; without it a 401 is final.
   */
  constructor(source: RenewalSource | undefined) {
    this.#source = source;
  }

  /**
   * Looks at one message.
   *
   * @param message - The message Claude Code sent.
   * @param current - The credential the running session uses.
   */
  async inspect(
    message: SDKMessage,
    current: ResolvedCredential | undefined,
  ): Promise<RecoveryStep> {
    if (message.type === 'system' && message.subtype === 'api_retry') {
      const status = message.error_status;
      if (status === FORBIDDEN) return { action: 'fail', error: apiAuthFailed(status, current) };
      if (status === UNAUTHORIZED) {
        // The retry after a hand-over may have left with the credential just
        // replaced; renewing the new one for it would spend a refresh (and, with
        // a gateway that honours only the newest token, reject the new one).
        if (this.#justHandedOver) {
          this.#justHandedOver = false;
          return { action: 'continue' };
        }
        // A credential its provider had just issued, refused as well: the API
        // refuses every one (a wrong gateway, an account without access).
        // Renewing again would only repeat that for every retry Claude Code makes.
        if (current !== undefined && current.secret === this.#renewedSecret)
          return { action: 'fail', error: apiAuthFailed(status, current, undefined, true) };
        let next: ResolvedCredential | undefined;
        try {
          next = current === undefined ? undefined : await this.#source?.renew?.(current);
        } catch (error) {
          return { action: 'fail', error: renewalFailed(status, current, error) };
        }
        if (next === undefined) return { action: 'fail', error: apiAuthFailed(status, current) };
        this.#renewedSecret = next.secret;
        this.#justHandedOver = true;
        return { action: 'hand-over', credential: next };
      }
    }
    this.#justHandedOver = false;
    const failure = authFailureOf(message);
    if (failure !== undefined) this.#reported = { ...this.#reported, ...failure };
    return { action: 'continue' };
  }

  /**
   * What the official iterator's error becomes: `API_AUTH_FAILED` when the
   * messages reported an authentication failure, else the error unchanged.
   *
   * @param error - What the SDK's iterator threw.
   * @param current - The credential the session used.
   */
  translate(error: unknown, current: ResolvedCredential | undefined): unknown {
    return this.#reported === undefined
      ? error
      : apiAuthFailed(this.#reported.status, current, this.#reported.detail);
  }
}
