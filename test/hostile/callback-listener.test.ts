import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listenForCallback } from '../../src/oauth/loopback-listener.js';

const STATE = 'the-real-state-value-0123456789abcdefghijkl';

async function listener() {
  const started = await listenForCallback(new URL('http://127.0.0.1:0/callback'), STATE);
  onTestFinished(() => started.close());
  return started;
}

/** Sends raw bytes on a fresh connection and returns the status line (or '' if the server closed it). */
function raw(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    // Node >= 24 resets the connection after answering a request it refuses
    // unread (431): the answer arrived all the same, and 'close' follows.
    socket.on('error', () => {});
  });
}

describe('hostile requests to the loopback listener: it stays up, answers 4xx, and the real callback still completes', () => {
  it('random paths, query strings and methods', async () => {
    const server = await listener();
    const base = new URL(server.redirectUri);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        fc.webPath(),
        fc.webQueryParameters(),
        async (method, path, query) => {
          const target = new URL(base.href);
          target.pathname = path || '/';
          target.search = query;
          if (
            method === 'GET' &&
            target.pathname === base.pathname &&
            target.searchParams.get('state') === STATE
          )
            return;
          const response = await fetch(target, { method, redirect: 'manual' });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    const done = await fetch(`${server.redirectUri}?code=real-code&state=${STATE}`, {
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect((await server.callback).get('code')).toBe('real-code');
  });

  it('header floods, garbage, many concurrent connections and slow clients', async () => {
    const server = await listener();
    const flood = `GET /callback HTTP/1.1\r\nHost: x\r\n${'X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(2000)}\r\n`;
    expect(await raw(server.redirectUri, flood)).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(server.redirectUri, '\u0000\u0001garbage\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400|^$/,
    );
    const slow = Array.from({ length: 20 }, () =>
      connect(
        Number(new URL(server.redirectUri).port),
        '127.0.0.1',
        function (this: ReturnType<typeof connect>) {
          this.write('GET /callback?state=');
        },
      ),
    );
    onTestFinished(() => {
      for (const socket of slow) socket.destroy();
    });
    const many = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${server.redirectUri}?code=x${i}&state=wrong`).then((r) => r.status),
      ),
    );
    expect(new Set(many)).toEqual(new Set([400]));
    const done = await fetch(`${server.redirectUri}?code=real-code&state=${STATE}`, {
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect((await server.callback).get('code')).toBe('real-code');
  });
});
