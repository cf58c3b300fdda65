import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  bindServer,
  type CallbackListener,
  type ListenOptions,
  listenForCallback,
} from '../../../src/oauth/loopback-listener.js';

const STATE = 'state-of-this-login-0123456789';

/** A listen error as Node reports it, e.g. `EAFNOSUPPORT` where the machine has no IPv6. */
function listenError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen' });
}

/** Binds for real, except that `address` fails with `code`. */
function failing(address: string, code: string): NonNullable<ListenOptions['bind']> {
  return (server, host, port) =>
    host === address ? Promise.reject(listenError(code)) : bindServer(server, host, port);
}

async function start(redirectUri: string, options: ListenOptions = {}) {
  const listener = await listenForCallback(new URL(redirectUri), STATE, options);
  onTestFinished(() => listener.close());
  return listener;
}

/** Sends the right callback as a browser would, following the redirect to the success page (so close need not wait). */
async function signIn(listener: CallbackListener) {
  const response = await fetch(`${listener.redirectUri}?code=c&state=${STATE}`);
  expect(response.redirected && response.status).toBe(200);
  expect((await listener.callback).get('code')).toBe('c');
}

describe('the loopback listener binds what the machine has (RFC 8252 §7.3)', () => {
  it.each(['EADDRNOTAVAIL', 'EAFNOSUPPORT'])(
    'listens for localhost on 127.0.0.1 only when ::1 fails with %s (a machine without IPv6)',
    async (code) => {
      const listener = await start('http://localhost:0/callback', { bind: failing('::1', code) });
      expect(listener.boundAddresses.map((a) => a.address)).toEqual(['127.0.0.1']);
      await signIn(listener);
    },
  );

  it('refuses [::1] with CONFIG_INVALID on a machine without IPv6, instead of listening nowhere', async () => {
    const failure = listenForCallback(new URL('http://[::1]:0/callback'), STATE, {
      bind: failing('::1', 'EADDRNOTAVAIL'),
    });
    await expect(failure).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      message: expect.stringContaining('CLAUDE_OAUTH_REDIRECT_URI'),
    });
  });

  it.each(['EADDRINUSE', 'EACCES'])(
    'reports %s (a taken or privileged port) as PORT_IN_USE with the fix',
    async (code) => {
      const failure = listenForCallback(new URL('http://127.0.0.1:80/callback'), STATE, {
        bind: failing('127.0.0.1', code),
      });
      await expect(failure).rejects.toMatchObject({
        code: AuthErrorCode.PORT_IN_USE,
        message: expect.stringContaining('CLAUDE_OAUTH_REDIRECT_URI'),
      });
    },
  );

  it('passes any other listen error on as it is, not mislabelled as a busy port', async () => {
    const error = listenError('EINVAL');
    const failure = listenForCallback(new URL('http://127.0.0.1:0/callback'), STATE, {
      bind: () => Promise.reject(error),
    });
    await expect(failure).rejects.toBe(error);
  });

  it('closes the 127.0.0.1 server it bound when ::1 then fails', async () => {
    const servers: Server[] = [];
    const failure = listenForCallback(new URL('http://localhost:0/callback'), STATE, {
      bind: (server, host, port) => {
        servers.push(server);
        return host === '::1'
          ? Promise.reject(listenError('EADDRINUSE'))
          : bindServer(server, host, port);
      },
    });
    await expect(failure).rejects.toMatchObject({ code: AuthErrorCode.PORT_IN_USE });
    expect(servers.map((server) => server.listening)).toEqual([false, false]);
  });
});

describe('the loopback listener cuts off slow clients (slowloris)', () => {
  it('bounds the time for headers and for the whole request to 10 s by default', async () => {
    const servers: Server[] = [];
    await start('http://localhost:0/callback', {
      bind: (server, host, port) => {
        servers.push(server);
        return bindServer(server, host, port);
      },
    });
    expect(servers).toHaveLength(2);
    for (const server of servers) {
      expect(server.headersTimeout).toBe(10_000);
      expect(server.requestTimeout).toBe(10_000);
    }
  });

  it('looks for timed-out requests every second, so a slow client is cut off within 11 s, not 20', async () => {
    // Node enforces both timeouts only when it checks its connections: a check
    // every 10 s would let a request that began just after one live almost 20 s.
    const servers: (Server & { connectionsCheckingInterval?: number })[] = [];
    await start('http://localhost:0/callback', {
      bind: (server, host, port) => {
        servers.push(server);
        return bindServer(server, host, port);
      },
    });
    expect(servers).toHaveLength(2);
    for (const server of servers) expect(server.connectionsCheckingInterval).toBe(1_000);
  });

  it('answers a client that never finishes its headers 408 and closes its connection, and the login goes on', async () => {
    const listener = await start('http://127.0.0.1:0/callback', { requestTimeoutMs: 50 });
    const { port } = new URL(listener.redirectUri);
    const socket = connect(Number(port), '127.0.0.1');
    onTestFinished(() => void socket.destroy());
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    // The request line and one header, and never the blank line that ends the headers.
    socket.write(`GET /callback?code=slow&state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    await signIn(listener);
  });
});
