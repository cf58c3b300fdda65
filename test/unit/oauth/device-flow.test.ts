import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { OAuthConfig } from '../../../src/oauth/oauth-config.js';
import { OAuthFlow } from '../../../src/oauth/oauth-flow.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';

/** A scripted device-flow server: answers each token poll with the next scripted error, then a token. */
async function deviceServer(pollAnswers: string[], interval?: number) {
  const polls: number[] = [];
  const server = createServer(async (request, response) => {
    response.setHeader('content-type', 'application/json');
    // Discovery from the endpoints' paths finds nothing here, as at a server without metadata.
    if (request.url?.includes('/.well-known/')) {
      response.writeHead(404).end('{}');
      return;
    }
    if (request.url === '/device') {
      response.end(
        JSON.stringify({
          device_code: 'dev-code-123',
          user_code: 'ABCD-EFGH',
          verification_uri: 'https://idp.example/device',
          expires_in: 600,
          ...(interval && { interval }),
        }),
      );
      return;
    }
    polls.push(Date.now());
    const error = pollAnswers.shift();
    if (error) {
      response.writeHead(400).end(JSON.stringify({ error }));
      return;
    }
    response.end(
      JSON.stringify({ access_token: 'device-access-token', token_type: 'Bearer', expires_in: 60 }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => void server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = new OAuthConfig({
    clientId: 'c',
    tokenUrl: `${base}/token`,
    deviceAuthorizationUrl: `${base}/device`,
  });
  return { config, polls };
}

function flowWith(config: OAuthConfig, waits: number[], now = () => 0) {
  return new OAuthFlow(config, {
    output: capturedOutput().stream,
    now,
    sleep: async (ms) => void waits.push(ms),
  });
}

describe('device authorization grant', () => {
  it('polls at the server interval, adds 5 s on slow_down, and keeps polling while pending', async () => {
    const { config } = await deviceServer(
      ['authorization_pending', 'slow_down', 'authorization_pending'],
      2,
    );
    const waits: number[] = [];
    const token = await flowWith(config, waits).loginWithDevice();
    expect(token.accessToken).toBe('device-access-token');
    expect(waits).toEqual([2000, 2000, 7000, 7000]);
  });

  it('never asks for a wait setTimeout cannot hold (it would fire at once and poll in a loop)', async () => {
    const { config } = await deviceServer(['authorization_pending'], 3_000_000);
    const waits: number[] = [];
    await flowWith(config, waits).loginWithDevice();
    expect(waits).toEqual([2 ** 31 - 1, 2 ** 31 - 1]);
  });

  // RFC 8628 §3.5: each slow_down adds 5 s to the interval in use, so they add up.
  it('adds 5 s for every slow_down: two take the default 5 s interval to 15 s', async () => {
    const { config, polls } = await deviceServer([
      'slow_down',
      'slow_down',
      'authorization_pending',
    ]);
    const waits: number[] = [];
    await flowWith(config, waits).loginWithDevice();
    expect(waits).toEqual([5000, 10_000, 15_000, 15_000]);
    expect(polls).toHaveLength(4);
  });

  it('uses 5 s when the server names no interval (RFC 8628 §3.2)', async () => {
    const { config } = await deviceServer([]);
    const waits: number[] = [];
    await flowWith(config, waits).loginWithDevice();
    expect(waits).toEqual([5000]);
  });

  it.each([
    ['expired_token', AuthErrorCode.DEVICE_CODE_EXPIRED],
    ['access_denied', AuthErrorCode.ACCESS_DENIED],
    ['invalid_client', AuthErrorCode.TOKEN_ENDPOINT_ERROR],
  ])('maps %s to %s', async (error, code) => {
    const { config } = await deviceServer([error]);
    await expect(flowWith(config, []).loginWithDevice()).rejects.toMatchObject({ code });
  });

  it('gives up when the device code has expired locally', async () => {
    const { config } = await deviceServer(['authorization_pending']);
    let time = 0;
    const flow = new OAuthFlow(config, {
      output: capturedOutput().stream,
      now: () => time,
      sleep: async () => {
        time += 601_000;
      },
    });
    await expect(flow.loginWithDevice()).rejects.toMatchObject({
      code: AuthErrorCode.DEVICE_CODE_EXPIRED,
    });
  });
});
