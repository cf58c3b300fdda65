/** How long one request to an OAuth endpoint may take, body included. */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
/** The largest response body accepted from an OAuth endpoint; real ones are a few KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The request options oauth4webapi passes to a custom fetch. */
export interface OAuthFetchInit {
  body?: RequestInit['body'] | undefined;
  headers: Record<string, string>;
  method: string;
  redirect?: RequestInit['redirect'] | undefined;
  signal?: AbortSignal | undefined;
}

/** A fetch for OAuth endpoints. */
export type OAuthFetch = (url: string, init: OAuthFetchInit) => Promise<Response>;

/** Options for {@link createOAuthFetch}. */
export interface OAuthFetchOptions {
  /** Proxy settings are read from here (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Default {@link DEFAULT_HTTP_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default {@link MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

/** Raised when a response body exceeds the cap; mapped to `INVALID_RESPONSE` by the caller. */
export class ResponseTooLargeError extends Error {
  /** @param limit - The cap that was exceeded, in bytes. */
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes`);
  }
}

function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name]);
}

async function readCapped(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Builds the fetch every OAuth request goes through: bounded in time and body
 * size, never following redirects unless asked, and honouring `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (which Node 20's own fetch ignores) through
 * undici's `EnvHttpProxyAgent`, loaded only when a proxy is configured.
 *
 * @param options - See {@link OAuthFetchOptions}.
 */
export function createOAuthFetch(options: OAuthFetchOptions = {}): OAuthFetch {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const limit = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  let fetcher: Promise<Fetcher> | undefined;
  const getFetcher = (): Promise<Fetcher> => {
    fetcher ??= proxyConfigured(env)
      ? import('undici').then(({ EnvHttpProxyAgent, fetch: undiciFetch }) => {
          const setting = (upper: string, lower: string) => env[upper] || env[lower] || undefined;
          const proxies = Object.entries({
            httpProxy: setting('HTTP_PROXY', 'http_proxy'),
            httpsProxy: setting('HTTPS_PROXY', 'https_proxy'),
            noProxy: setting('NO_PROXY', 'no_proxy'),
          }).filter(([, value]) => value !== undefined);
          const dispatcher = new EnvHttpProxyAgent(Object.fromEntries(proxies));
          return ((url: string, init: RequestInit) =>
            undiciFetch(url, { ...(init as object), dispatcher } as never)) as unknown as Fetcher;
        })
      : Promise.resolve(globalThis.fetch);
    return fetcher;
  };
  return async (url, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await (await getFetcher())(url, {
      method: init.method,
      headers: init.headers,
      body: init.body ?? null,
      redirect: init.redirect ?? 'manual',
      signal,
    });
    const body = await readCapped(response, limit);
    // A fresh Response of this runtime's class: oauth4webapi checks `instanceof Response`.
    const bodyless = response.status === 204 || response.status === 304;
    return new Response(bodyless ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
