import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { listenAddresses } from './loopback.js';

/** How long the success page may take to be fetched before the listener closes anyway. */
const SUCCESS_PAGE_GRACE_MS = 2_000;
/** A browser sends a callback in one small request; anything slower is not one. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How often Node looks for requests past those timeouts (its default is 30 s).
 * A request is cut off at the first look after its timeout, so up to this much
 * later: checking only as often as the timeout lets a slow client live twice it.
 */
const TIMEOUT_CHECK_MS = 1_000;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The page loads nothing at all, from anywhere (RFC 8252 §8.1 leaves the page to us).
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:34em;text-align:center;color:#222}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

const SUCCESS_PAGE = page(
  'Signed in',
  'claude-auth received your login. You can close this window and return to the terminal.',
);
const REFUSED_PAGE = page(
  'Sign-in not completed',
  'The provider did not grant access. See the terminal for details; you can close this window.',
);
const STRAY_PAGE = page(
  'Not expected',
  'This request does not belong to the login claude-auth is waiting for.',
);

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A loopback listener waiting for one authorization response. */
export interface CallbackListener {
  /** The exact redirect URI to send, with the port actually bound. */
  readonly redirectUri: string;
  /** The addresses and port actually bound, for inspection. */
  readonly boundAddresses: readonly AddressInfo[];
  /** Resolves with the parameters of the one callback that carried the right `state`. */
  readonly callback: Promise<URLSearchParams>;
  /** Stops listening, letting the success page be fetched first. Idempotent. */
  close(): Promise<void>;
}

/**
 * Binds `server` to one address and port, waiting for `listening` or the bind error.
 *
 * @param server - A server not yet listening.
 * @param address - One IP address (an IPv6 one is bound IPv6-only).
 * @param port - The port; 0 picks a free one.
 * @returns The address and port actually bound.
 * @throws The `listen` error (an `ErrnoException` such as `EADDRINUSE`).
 */
export async function bindServer(
  server: Server,
  address: string,
  port: number,
): Promise<AddressInfo> {
  server.listen({ host: address, port, ipv6Only: address.includes(':') });
  const [error] = await Promise.race([
    once(server, 'listening').then(() => [undefined]),
    once(server, 'error'),
  ]);
  if (error !== undefined) throw error;
  return server.address() as AddressInfo;
}

/** What a test may change in {@link listenForCallback}; the login passes none of it. */
export interface ListenOptions {
  /**
   * How long a connection may take to send a whole request, headers included,
   * before it is answered 408 and closed (a slowloris client); default 10 s.
   */
  readonly requestTimeoutMs?: number;
  /** Binds one server to one address; default {@link bindServer}. A test fails it as a machine without IPv6 would. */
  readonly bind?: typeof bindServer;
}

function portInUse(port: number, cause: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.PORT_IN_USE,
    `Port ${port} of the OAuth redirect URI is in use by another program, or reserved for privileged users.`,
    {
      cause,
      fix: 'stop that program, or set CLAUDE_OAUTH_REDIRECT_URI to another port (port 0 picks a free one if your provider allows any loopback port)',
    },
  );
}

function addressUnavailable(redirectUri: URL, cause: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The OAuth redirect URI's address ${redirectUri.hostname} is not available on this machine.`,
    {
      cause,
      fix: 'set CLAUDE_OAUTH_REDIRECT_URI to a loopback address this machine has, such as http://127.0.0.1:<port>/callback',
    },
  );
}

/**
 * Starts listening for the authorization response on the redirect URI's
 * loopback address(es) only — never a wildcard address — before the browser
 * is opened (RFC 8252 §7.3, §8.3). It accepts exactly one GET on the exact path
 * whose `state` matches; anything else gets a 4xx and does not end the login.
 * The accepted callback is answered with a redirect to a parameter-free
 * success page, so the code does not linger in the browser's history.
 *
 * @param redirectUri - A loopback http URL; port 0 picks a free port.
 * @param expectedState - The `state` sent in the authorization request.
 * @param options - Test seams; see {@link ListenOptions}.
 * @throws {@link AuthenticationError} `PORT_IN_USE` (the port is taken, or
 *   privileged); `CONFIG_INVALID` (no address of the redirect URI exists here).
 */
export async function listenForCallback(
  redirectUri: URL,
  expectedState: string,
  options: ListenOptions = {},
): Promise<CallbackListener> {
  const { requestTimeoutMs = REQUEST_TIMEOUT_MS, bind = bindServer } = options;
  let resolveCallback: (params: URLSearchParams) => void = () => undefined;
  const callback = new Promise<URLSearchParams>((resolve) => {
    resolveCallback = resolve;
  });
  let accepted = false;
  let successServed: () => void = () => undefined;
  const successPageFetched = new Promise<void>((resolve) => {
    successServed = resolve;
  });

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    let url: URL;
    try {
      // A server's request always has its target in `url`; only a client's response lacks one.
      url = new URL(request.url as string, 'http://loopback.invalid');
    } catch {
      // A request target no URL parser accepts (found by the hostile-input tests): not ours.
      response.writeHead(400, PAGE_HEADERS).end(STRAY_PAGE);
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', ...PAGE_HEADERS }).end(STRAY_PAGE);
      return;
    }
    if (url.pathname === '/' && accepted && url.search === '') {
      response.writeHead(200, PAGE_HEADERS).end(SUCCESS_PAGE, successServed);
      return;
    }
    const state = url.searchParams.get('state');
    if (
      url.pathname !== redirectUri.pathname ||
      accepted ||
      state === null ||
      !sameSecret(state, expectedState)
    ) {
      response
        .writeHead(url.pathname === redirectUri.pathname ? 400 : 404, PAGE_HEADERS)
        .end(STRAY_PAGE);
      return;
    }
    accepted = true;
    resolveCallback(url.searchParams);
    if (url.searchParams.has('error')) {
      response.writeHead(200, PAGE_HEADERS).end(REFUSED_PAGE, successServed);
    } else {
      response
        .writeHead(303, {
          location: '/',
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
        })
        .end();
    }
  };

  const servers: Server[] = [];
  const bound: AddressInfo[] = [];
  let port = Number(redirectUri.port || 80);
  let unavailable: unknown;
  try {
    for (const address of listenAddresses(redirectUri.hostname)) {
      // Node enforces these timeouts only when it checks (every 30 s by default): see TIMEOUT_CHECK_MS.
      const server = createServer(
        {
          requestTimeout: requestTimeoutMs,
          headersTimeout: requestTimeoutMs,
          connectionsCheckingInterval: Math.min(requestTimeoutMs, TIMEOUT_CHECK_MS),
        },
        handle,
      );
      try {
        bound.push(await bind(server, address, port));
        servers.push(server);
        // Every further address of `localhost` must share the port the first one got.
        port = bound[0]?.port ?? port;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A machine without IPv6 loopback still has 127.0.0.1: `localhost` listens there only.
        if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
          unavailable = error;
          continue;
        }
        if (code === 'EADDRINUSE' || code === 'EACCES') throw portInUse(port, error);
        throw error;
      }
    }
    if (servers.length === 0) throw addressUnavailable(redirectUri, unavailable);
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }

  const actual = new URL(redirectUri.href);
  actual.port = String(port);
  let closing: Promise<void> | undefined;
  return {
    redirectUri: actual.href,
    boundAddresses: bound,
    callback,
    close() {
      closing ??= (async () => {
        if (accepted) {
          const grace = new Promise<void>((resolve) =>
            setTimeout(resolve, SUCCESS_PAGE_GRACE_MS).unref(),
          );
          await Promise.race([successPageFetched, grace]);
        }
        await Promise.all(
          servers.map((server) => {
            const closed = once(server, 'close');
            server.close();
            server.closeAllConnections();
            return closed;
          }),
        );
      })();
      return closing;
    },
  };
}
