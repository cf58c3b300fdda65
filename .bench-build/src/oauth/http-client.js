/** How long one request to an OAuth endpoint may take, body included. */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
/** The largest response body accepted from an OAuth endpoint; real ones are a few KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Raised when a response body exceeds the cap; mapped to `INVALID_RESPONSE` by the caller. */
export class ResponseTooLargeError extends Error {
  limit;
  /** @param limit - The cap that was exceeded, in bytes. */
  constructor(limit) {
    super(`response body larger than ${limit} bytes`);
    this.limit = limit;
  }
}
function proxyConfigured(env) {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name]);
}
async function readCapped(response, limit) {
  if (response.body === null) return new Uint8Array();
  const chunks = [];
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
/**
 * Builds the fetch every OAuth request goes through: bounded in time and body
 * size, never following redirects unless asked, and honouring `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (which Node 20's own fetch ignores) through
 * undici's `EnvHttpProxyAgent`, loaded only when a proxy is configured.
 *
 * @param options - See {@link OAuthFetchOptions}.
 */
export function createOAuthFetch(options = {}) {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const limit = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  let fetcher;
  const getFetcher = () => {
    fetcher ??= proxyConfigured(env)
      ? import('undici').then(({ EnvHttpProxyAgent, fetch: undiciFetch }) => {
          const setting = (upper, lower) => env[upper] || env[lower] || undefined;
          const proxies = Object.entries({
            httpProxy: setting('HTTP_PROXY', 'http_proxy'),
            httpsProxy: setting('HTTPS_PROXY', 'https_proxy'),
            noProxy: setting('NO_PROXY', 'no_proxy'),
          }).filter(([, value]) => value !== undefined);
          const dispatcher = new EnvHttpProxyAgent(Object.fromEntries(proxies));
          return (url, init) => undiciFetch(url, { ...init, dispatcher });
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
