import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal refresh-token endpoint on 127.0.0.1 that rotates the refresh token
 * on every use and rejects a reused one with `invalid_grant`, as strict
 * providers do (RFC 9700 §4.14.2). It counts both outcomes.
 */
export class RotatingTokenEndpoint {
  refreshes = 0;
  invalidGrants = 0;
  currentRefreshToken: string;
  lastAccessToken = '';
  /** Every token presented for revocation (RFC 7009), in order. */
  readonly revoked: string[] = [];
  #held: { arrived: () => void; released: Promise<void> } | undefined;
  readonly #server: Server;

  private constructor(initialRefreshToken: string, server: Server) {
    this.currentRefreshToken = initialRefreshToken;
    this.#server = server;
  }

  /** Starts the endpoint, accepting `initialRefreshToken` once. */
  static async start(
    initialRefreshToken: string,
    expiresInSeconds = 3600,
  ): Promise<RotatingTokenEndpoint> {
    const server = createServer();
    const endpoint = new RotatingTokenEndpoint(initialRefreshToken, server);
    server.on('request', async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      if (request.url === '/revoke') {
        endpoint.revoked.push(new URLSearchParams(body).get('token') ?? '');
        response.writeHead(200).end();
        return;
      }
      const held = endpoint.#held;
      if (held !== undefined) {
        endpoint.#held = undefined;
        held.arrived();
        await held.released;
      }
      const presented = new URLSearchParams(body).get('refresh_token');
      response.setHeader('content-type', 'application/json');
      if (presented !== endpoint.currentRefreshToken) {
        endpoint.invalidGrants++;
        response.writeHead(400).end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      endpoint.refreshes++;
      endpoint.currentRefreshToken = `refresh-${randomBytes(8).toString('hex')}`;
      endpoint.lastAccessToken = `access-${randomBytes(8).toString('hex')}`;
      response.end(
        JSON.stringify({
          access_token: endpoint.lastAccessToken,
          refresh_token: endpoint.currentRefreshToken,
          token_type: 'Bearer',
          expires_in: expiresInSeconds,
        }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return endpoint;
  }

  /**
   * Holds the next refresh request until `release()`: a refresh in flight, for
   * as long as a test needs. `arrived` resolves when the request is in.
   */
  holdNext(): { arrived: Promise<void>; release: () => void } {
    let arrived: () => void = () => undefined;
    let release: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#held = { arrived, released };
    return { arrived: arrival, release };
  }

  /** The revocation endpoint's URL (RFC 7009); it accepts any token and records it. */
  get revocationUrl(): string {
    return this.url.replace(/\/token$/, '/revoke');
  }

  /** The endpoint's URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/token`;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
