/**
 * Whether a URL host names this machine's loopback interface: `localhost`,
 * an address in 127.0.0.0/8, or `[::1]` (RFC 8252 §7.3, §8.3).
 *
 * @param hostname - A `URL.hostname` (IPv6 addresses keep their brackets).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    host === '::1' ||
    // node:net at first use, not at import: `mcp headers` loads this module at every
    // MCP connect, and node:net is not in Node's start-up snapshot (issue 23).
    (host.startsWith('127.') && process.getBuiltinModule('node:net').isIPv4(host))
  );
}

/**
 * The addresses to listen on for a loopback redirect URI's host: for
 * `localhost` both IPv4 and IPv6 loopback (a browser may resolve either),
 * never a wildcard address.
 *
 * @param hostname - The redirect URI's `URL.hostname`.
 */
export function listenAddresses(hostname: string): string[] {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return ['127.0.0.1', '::1'];
  if (host === '[::1]' || host === '::1') return ['::1'];
  return [host];
}

/**
 * Whether claude-auth may send requests (or the user) to this endpoint: https,
 * or plain http only to this machine's loopback interface (RFC 9700 §2.6,
 * RFC 8252 §8.3). Each endpoint is judged on its own.
 *
 * @param url - The endpoint.
 */
export function isSecureEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
