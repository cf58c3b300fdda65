import type { Options, Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ResolvedCredential } from '../auth/resolved-credential.js';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { childEnvironment } from './child-environment.js';
import {
  findSettingsConflicts,
  type SettingSource,
  settingsConflictError,
} from './settings-conflicts.js';

/** A prompt, as the agent SDK takes it: text, or a stream of user messages (multi-turn). */
export type Prompt = string | AsyncIterable<SDKUserMessage>;

/**
 * A resolved credential and what can renew it while Claude Code runs. Only
 * `credential` is required; without `renew` a rejected credential ends the
 * query at once, without `rotate` it is never replaced proactively.
 */
export interface CredentialSession {
  readonly credential: ResolvedCredential;
  /** A different valid credential after the API answered 401, if one can be had. */
  renew?(rejected: ResolvedCredential): Promise<ResolvedCredential | undefined>;
  /** When (epoch ms) to hand the running session a renewed credential. */
  rotationDue?(current: ResolvedCredential): number | undefined;
  /** The renewed credential, or `undefined` if there is none. */
  rotate?(current: ResolvedCredential): Promise<ResolvedCredential | undefined>;
}

/** What starts an {@link AuthenticatedQuery}. */
export interface AuthenticatedQueryParams {
  prompt: Prompt;
  options?: Options;
  /** Resolves the credential; runs before anything is spawned. `undefined`: inject nothing. */
  session: () => Promise<CredentialSession | undefined>;
  /** The environment to start from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

const AUTH_STATUSES = new Set([401, 403]);
/** The shortest wait before looking again for a renewed credential. */
const MIN_ROTATION_RETRY_MS = 500;

function fixFor(credential: ResolvedCredential | undefined): string {
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
    default:
      return 'check the API key in the Anthropic Console (and that it has no extra spaces)';
  }
}

function apiAuthFailed(
  status: number | undefined,
  credential: ResolvedCredential | undefined,
  detail?: string,
): AuthenticationError {
  const what =
    credential === undefined
      ? 'the credential'
      : `the ${credential.kind} credential from ${credential.source}`;
  const code = status === undefined ? '' : ` (HTTP ${status})`;
  return new AuthenticationError(
    AuthErrorCode.API_AUTH_FAILED,
    `The Claude API rejected ${what}${code}${detail ? `: ${detail}` : ''}.`,
    {
      fix: fixFor(credential),
      ...(status !== undefined && { status }),
      secrets: [credential?.secret],
    },
  );
}

/** The authentication failure a message reports, if any. */
function authFailureOf(message: SDKMessage): { status?: number; detail?: string } | undefined {
  const fields = message as { api_error_status?: number | null; error_status?: number | null };
  const status = fields.api_error_status ?? fields.error_status ?? undefined;
  if (message.type === 'assistant' && message.error === 'authentication_failed') {
    return status === undefined ? {} : { status };
  }
  if (message.type === 'result' && message.is_error) {
    const text = 'result' in message && typeof message.result === 'string' ? message.result : '';
    if (
      (status !== undefined && AUTH_STATUSES.has(status)) ||
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
 * A query through the official agent SDK with a credential injected into the
 * Claude Code process, and kept valid while it runs:
 *
 * - the credential is resolved and conflicting user settings are checked
 *   before anything is spawned;
 * - the environment is `process.env` + `options.env` + the credential, with
 *   competing credential variables removed; secrets never go on argv;
 * - a 401 the CLI would retry for minutes is seen on its first `api_retry`: the
 *   credential is renewed and handed over with `applyFlagSettings({ env })` (the
 *   CLI's next retry uses it), or, when nothing better exists, the query ends
 *   at once with `API_AUTH_FAILED`;
 * - stored credentials are renewed before they expire and handed over the same way;
 * - the official iterator's plain `Error` after an authentication failure
 *   becomes an `AuthenticationError`; other errors pass through unchanged.
 *
 * Iterate it like the SDK's `Query`.
 */
export class AuthenticatedQuery implements AsyncGenerator<SDKMessage, void> {
  readonly #inner: AsyncGenerator<SDKMessage, void>;
  #query: Query | undefined;
  #credential: ResolvedCredential | undefined;
  #closed = false;

  /**
   * Prepares the query; nothing is resolved or spawned until the first `next()`.
   *
   * @param params - See {@link AuthenticatedQueryParams}.
   */
  constructor(params: AuthenticatedQueryParams) {
    this.#inner = this.#run(params);
  }

  /** The credential the running Claude Code uses now (it changes when renewed), once resolved. */
  get credential(): ResolvedCredential | undefined {
    return this.#credential;
  }

  /** The agent SDK's query once started (for its control methods), else `undefined`. */
  get sdkQuery(): Query | undefined {
    return this.#query;
  }

  /** Interrupts the running turn (streaming input only, as in the SDK). */
  async interrupt(): Promise<void> {
    await this.#query?.interrupt();
  }

  /** Ends the Claude Code process and the iteration. */
  close(): void {
    this.#closed = true;
    this.#query?.close();
  }

  /** The next message from Claude Code; starts the query on the first call. */
  next(): Promise<IteratorResult<SDKMessage, void>> {
    return this.#inner.next();
  }

  /** Stops early: ends the Claude Code process. */
  return(): Promise<IteratorResult<SDKMessage, void>> {
    this.close();
    return this.#inner.return(undefined);
  }

  /** Ends the Claude Code process and throws `error` into the iteration. */
  throw(error: unknown): Promise<IteratorResult<SDKMessage, void>> {
    this.close();
    return this.#inner.throw(error);
  }

  /** Itself: iterate it with `for await`. */
  [Symbol.asyncIterator](): AsyncGenerator<SDKMessage, void> {
    return this;
  }

  /** Ends the query when an `await using` scope closes. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async *#run(params: AuthenticatedQueryParams): AsyncGenerator<SDKMessage, void> {
    const session = await params.session();
    const options = params.options ?? {};
    const env = childEnvironment(params.env ?? process.env, options.env, session?.credential);
    if (session !== undefined) {
      const sources = options.settingSources as SettingSource[] | undefined;
      const conflicts = await findSettingsConflicts(env, options.cwd ?? process.cwd(), sources);
      if (conflicts.length > 0) throw settingsConflictError(conflicts);
    }
    if (this.#closed) return;
    const { query } = await import('@anthropic-ai/claude-agent-sdk');
    const running = query({ prompt: params.prompt, options: { ...options, env } });
    this.#query = running;

    let current = session?.credential;
    this.#credential = current;
    let fatal: AuthenticationError | undefined;
    let reported: { status?: number; detail?: string } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const handOver = async (next: ResolvedCredential) => {
      current = next;
      this.#credential = next;
      await running.applyFlagSettings({ env: next.toEnv() });
      schedule();
    };
    // A renewal that found nothing new (say, a subscription token no one has
    // replaced yet) is tried again while the current credential lasts.
    const schedule = (retryInMs?: number) => {
      clearTimeout(timer);
      const due = current && session?.rotationDue?.(current);
      if (due === undefined || current === undefined || session?.rotate === undefined) return;
      const rotating = current;
      timer = setTimeout(
        async () => {
          const next = await session.rotate?.(rotating);
          if (this.#closed) return;
          if (next !== undefined) {
            await handOver(next).catch(() => undefined);
            return;
          }
          const left = (rotating.expiresAt?.getTime() ?? 0) - Date.now();
          if (left > 0) schedule(Math.max(MIN_ROTATION_RETRY_MS, left / 4));
        },
        retryInMs ?? Math.max(0, due - Date.now()),
      );
      timer.unref();
    };
    schedule();

    try {
      for await (const message of running) {
        if (
          message.type === 'system' &&
          message.subtype === 'api_retry' &&
          message.error_status !== null &&
          AUTH_STATUSES.has(message.error_status)
        ) {
          const next = current !== undefined ? await session?.renew?.(current) : undefined;
          if (next === undefined) {
            fatal = apiAuthFailed(message.error_status, current);
            running.close();
            break;
          }
          await handOver(next);
        }
        const failure = authFailureOf(message);
        if (failure !== undefined) reported = { ...reported, ...failure };
        yield message;
      }
    } catch (error) {
      if (fatal !== undefined) throw fatal;
      if (reported !== undefined) throw apiAuthFailed(reported.status, current, reported.detail);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (fatal !== undefined) throw fatal;
  }
}
