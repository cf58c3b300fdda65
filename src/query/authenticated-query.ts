import type { Options, Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { locateClaudeBinary } from '../claude-code/claude-binary.js';
import { handOverVariables } from '../credentials/child-environment.js';
import { routeCredential } from '../credentials/credential-destination.js';
import { launchEnvironment } from '../credentials/launch-environment.js';
import type { ResolvedCredential } from '../credentials/resolved-credential.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { checkHelpersReachLogins, withMcpHeadersHelpers } from '../mcp/mcp-headers-helpers.js';
import { checkAgentSdk } from './agent-sdk-version.js';
import { AuthRecovery, type RenewalSource } from './auth-recovery.js';
import { McpRejectionWatch } from './mcp-rejection-watch.js';
import { RotationScheduler, type RotationSource } from './rotation-scheduler.js';

/** A prompt, as the agent SDK takes it: text, or a stream of user messages (multi-turn). */
export type Prompt = string | AsyncIterable<SDKUserMessage>;

/**
 * A resolved credential and what can renew it while Claude Code runs. Only
 * `credential` is required; without `renew` a rejected credential ends the
 * query at once, without `rotate` it is never replaced proactively.
 */
export interface CredentialSession extends RenewalSource, RotationSource {
  readonly credential: ResolvedCredential;
  /** A different valid credential after the API answered 401, if one can be had; rejects when renewing failed. */
  renew?(rejected: ResolvedCredential): Promise<ResolvedCredential | undefined>;
  /** When (epoch ms) to hand the running session a renewed credential (the refresh policy decides). */
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
  /**
   * The profile the query runs as: its MCP logins are the ones handed to
   * Claude Code. Default: the resolved credential's profile, else as every
   * command resolves it from the environment (`CLAUDE_AUTH_PROFILE`).
   */
  profile?: string;
}

/**
 * A query through the official agent SDK with a credential injected into the
 * Claude Code process, and kept valid while it runs:
 *
 * - the credential is resolved, and where it may go and conflicting user
 *   settings are checked, before anything is spawned (`launchEnvironment`);
 * - Claude Code is the binary `options.pathToClaudeCodeExecutable` names, else
 *   the one login uses (`locateClaudeBinary`: `CLAUDE_AUTH_CLAUDE_PATH`, the
 *   agent SDK's bundled binary, `claude` on `PATH`);
 * - the environment is `process.env` + `options.env` + the credential, with
 *   competing credential variables removed; secrets never go on argv;
 * - a 401 the CLI would retry for minutes is seen on its first `api_retry`: the
 *   credential is renewed and handed over with `applyFlagSettings({ env })` (the
 *   CLI's next retry uses it), or, when nothing better exists, the query ends
 *   at once with `API_AUTH_FAILED`; a 403 is never renewed (`AuthRecovery`);
 * - stored credentials are renewed when the refresh policy says they are due
 *   and handed over the same way (`RotationScheduler`);
 * - where the credential may go is decided once (`routeCredential`) and every
 *   hand-over is derived from it (`handOverVariables`): a renewed credential
 *   for another destination (the profile was logged in to another gateway
 *   meanwhile) is never handed over; on a 401 the query ends with
 *   `API_AUTH_FAILED` and the fix (start a new query);
 * - `http`/`sse` MCP servers with a `claude-auth mcp login` of the query's
 *   profile get a `headersHelper` (`withMcpHeadersHelpers`), checked before
 *   spawning to reach its login from Claude Code's environment; a server that
 *   still refuses the helper's token ends the query with `REAUTH_REQUIRED`
 *   naming `claude-auth mcp login` (`McpRejectionWatch`);
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
    // Before any login or credential work: an unsupported SDK would fail later, mid-query.
    checkAgentSdk();
    const session = await params.session();
    const base = params.env ?? process.env;
    // MCP: http/sse servers with a `claude-auth mcp login` get a headersHelper (src/mcp).
    const profile = params.profile ?? session?.credential.profile;
    const mcpContext = {
      env: { ...base, ...params.options?.env },
      ...(profile !== undefined && { profile }),
    };
    const { options, wired } = await withMcpHeadersHelpers(params.options ?? {}, mcpContext);
    const mcpWatch = new McpRejectionWatch(wired, mcpContext);
    // Where the credential may go is decided here, once, for the whole session.
    const context = { inherited: base, explicit: options.env };
    const credential = session && routeCredential(session.credential, context);
    const env = await launchEnvironment(base, options, credential);
    await checkHelpersReachLogins(wired, { env, ...(profile !== undefined && { profile }) });
    // The same resolver as login: CLAUDE_AUTH_CLAUDE_PATH, then the bundled binary, then PATH.
    const pathToClaudeCodeExecutable =
      options.pathToClaudeCodeExecutable ??
      (await locateClaudeBinary({ env: { ...base, ...options.env } }));
    if (this.#closed) return;
    const { query } = await import('@anthropic-ai/claude-agent-sdk');
    const running = query({
      prompt: params.prompt,
      options: { ...options, env, pathToClaudeCodeExecutable },
    });
    this.#query = running;
    this.#credential = credential;

    const rotation: RotationScheduler = new RotationScheduler({
      source: session,
      handOver: (next) => handOver(next),
    });
    // Throws when `next` is for another destination: see handOverVariables.
    const handOver = async (renewed: ResolvedCredential) => {
      const next = routeCredential(renewed, context);
      const variables = handOverVariables(this.#credential, next);
      this.#credential = next;
      await running.applyFlagSettings({ env: variables });
      rotation.start(next);
    };
    const recovery = new AuthRecovery(session);
    let fatal: AuthenticationError | undefined;
    rotation.start(this.#credential);
    try {
      for await (const message of running) {
        const rejected = await mcpWatch.inspect(message);
        if (rejected !== undefined) {
          fatal = rejected;
          running.close();
          break;
        }
        const step = await recovery.inspect(message, this.#credential);
        if (step.action === 'fail') {
          fatal = step.error;
          running.close();
          break;
        }
        if (step.action === 'hand-over') {
          try {
            await handOver(step.credential);
          } catch (error) {
            if (!(error instanceof AuthenticationError)) throw error;
            fatal = error;
            running.close();
            break;
          }
        }
        yield message;
      }
    } catch (error) {
      throw fatal ?? recovery.translate(error, this.#credential);
    } finally {
      rotation.stop();
    }
    if (fatal !== undefined) throw fatal;
  }
}
