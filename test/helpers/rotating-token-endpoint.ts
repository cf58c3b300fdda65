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
