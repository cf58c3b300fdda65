import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createOAuthFetch } from '../../../src/oauth/http-client.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { RotatingTokenEndpoint } from '../../helpers/rotating-token-endpoint.js';
import { oauthToken } from '../../helpers/tokens.js';

/**
 * A forwarding HTTP proxy on loopback (absolute-form requests and CONNECT
 * tunnels) that records what it was asked for: a URL or `CONNECT host:port`.
 */
async function recordingProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((incoming, outgoing) => {
    seen.push(incoming.url ?? '');
    const upstream = httpRequest(
      new URL(incoming.url ?? ''),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  server.on('connect', (request, client) => {
    seen.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host as string, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('proxy settings', () => {
  it('sends token requests through HTTP_PROXY', async () => {
    const proxy = await recordingProxy();
    const token = oauthToken(-1000);
    const endpoint = await RotatingTokenEndpoint.start(token.refreshToken as string);
    try {
      const fetch = createOAuthFetch({ env: { HTTP_PROXY: proxy.url } });
      const refreshed = await refreshProviderToken(
        token.with({ provider: { clientId: 'c', tokenEndpoint: endpoint.url } }),
        { fetch },
      );
      expect(refreshed.accessToken).toBe(endpoint.lastAccessToken);
      expect(proxy.seen).toHaveLength(1);
      expect([endpoint.url, `CONNECT ${new URL(endpoint.url).host}`]).toContain(proxy.seen[0]);
    } finally {
      await endpoint.close();
    }
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    const proxy = await recordingProxy();
    const token = oauthToken(-1000);
    const endpoint = await RotatingTokenEndpoint.start(token.refreshToken as string);
    try {
      const fetch = createOAuthFetch({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      await refreshProviderToken(
        token.with({ provider: { clientId: 'c', tokenEndpoint: endpoint.url } }),
        { fetch },
      );
      expect(proxy.seen).toEqual([]);
      expect(endpoint.refreshes).toBe(1);
    } finally {
      await endpoint.close();
    }
  });
});
