import type { Options, SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import {
  attachedCredential,
  credentialFromHeaders,
  headersCarry,
  type ResolvedCredential,
} from '../credentials/resolved-credential.js';
import { AuthErrorCode, isAuthenticationError } from '../errors/authentication-error.js';
import { AuthenticatedQuery, type Prompt } from './authenticated-query.js';

/** A permission answer (RFC 9110 §15.5.4): the same credential, refreshed, would get it too. */
const FORBIDDEN = 403;

/** A query on its way to Claude Code: middleware may change any part. */
export interface QueryRequest {
  readonly prompt: Prompt;
  readonly options: Options;
  /** Authentication headers; the final step turns them into Claude Code's environment. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The credential the headers were made from (`AuthenticationMiddleware`
   * sets it), with what headers cannot say: a gateway's API base URL, Claude
   * Code's own login. It travels with the request (`{ ...request }` keeps it);
   * the final step uses it while the headers still send its secret.
   */
  readonly credential?: ResolvedCredential | undefined;
}

/** Runs a request and streams its messages. */
export type QueryHandler = (request: QueryRequest) => AsyncGenerator<SDKMessage, void>;

/** Wraps a request and its message stream (logging, headers, retries, …). */
export interface QueryMiddleware {
  /** Handles one request: call `next` (with the request, changed or not) and yield its messages. */
  handle(request: QueryRequest, next: QueryHandler): AsyncGenerator<SDKMessage, void>;
}

/**
 * The final step: the request's credential, while its headers still send it,
 * else the credential the headers name (`credentialFromHeaders`), into Claude
 * Code's environment; where it may go is decided as for every query.
 */
const runRequest: QueryHandler = (request) => {
  const carried = request.credential;
  const credential =
    carried !== undefined && headersCarry(request.headers, carried)
      ? carried
      : credentialFromHeaders(request.headers);
  return new AuthenticatedQuery({
    prompt: request.prompt,
    options: request.options,
    session: async () => (credential === undefined ? undefined : { credential }),
  });
};

/**
 * Runs a query through a chain of middleware, first to last, ending in
 * Claude Code (the guide's `query_with_middleware`).
 *
 * @example
 * ```ts
 * const auth = new AuthenticationMiddleware({ authHeadersProvider: getAuthHeaders });
 * for await (const m of queryWithMiddleware({ prompt: 'Hello', middleware: [auth] })) …
 * ```
 */
export function queryWithMiddleware(params: {
  prompt: Prompt;
  middleware: readonly QueryMiddleware[];
  options?: Options;
}): AsyncGenerator<SDKMessage, void> {
  const chain = params.middleware.reduceRight<QueryHandler>(
    (next, middleware) => (request) => middleware.handle(request, next),
    runRequest,
  );
  return chain({ prompt: params.prompt, options: params.options ?? {}, headers: {} });
}

/** Supplies authentication headers; `forceRefresh` after the API rejected the last ones. */
export type AuthHeadersProvider = (options: {
  forceRefresh: boolean;
}) => Promise<Record<string, string>> | Record<string, string>;

/**
 * Adds authentication headers from a provider to every query (the guide's
 * `AuthenticationMiddleware`). When the API rejects them before Claude has
 * answered anything, it asks the provider for fresh headers
 * (`forceRefresh: true`) and retries once; a second rejection is final. A
 * streamed (multi-turn) prompt has been consumed by then and is not retried.
 */
export class AuthenticationMiddleware implements QueryMiddleware {
  readonly #provider: AuthHeadersProvider;

  /**
   * Creates the middleware.
   *
   * @param options - `authHeadersProvider`, e.g. `getAuthHeaders`.
   */
  constructor(options: { authHeadersProvider: AuthHeadersProvider }) {
    this.#provider = options.authHeadersProvider;
  }

  /**
   * Adds the provider's headers; on an early 401, refreshes them and retries
   * once. A 403 is a permission answer, not an expired credential: it is not
   * retried.
   */
  async *handle(request: QueryRequest, next: QueryHandler): AsyncGenerator<SDKMessage, void> {
    const attempt = async (forceRefresh: boolean) => {
      const provided = await this.#provider({ forceRefresh });
      const headers = { ...request.headers, ...provided };
      // The credential goes with the request: copies of the headers lose what getAuthHeaders attached.
      const credential = attachedCredential(provided) ?? credentialFromHeaders(headers);
      return { ...request, headers, credential };
    };
    let answered = false;
    try {
      for await (const message of next(await attempt(false))) {
        if (message.type === 'assistant') answered = true;
        yield message;
      }
      return;
    } catch (error) {
      const retriable =
        !answered &&
        typeof request.prompt === 'string' &&
        isAuthenticationError(error, AuthErrorCode.API_AUTH_FAILED) &&
        error.status !== FORBIDDEN;
      if (!retriable) throw error;
    }
    yield* next(await attempt(true));
  }
}
