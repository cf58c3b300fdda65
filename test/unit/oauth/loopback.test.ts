import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isSecureEndpoint } from '../../../src/oauth/loopback.js';

describe('isLoopbackHost (RFC 8252 §7.3, §8.3)', () => {
  it.each([
    ['the IPv6 loopback as a URL hostname gives it', new URL('http://[::1]:8089/').hostname],
    ['the IPv6 loopback as a socket address gives it', '::1'],
    ['localhost', 'localhost'],
    ['an address in 127.0.0.0/8', '127.0.0.2'],
  ])('accepts %s', (_name, host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    ['another IPv6 address', '::2'],
    ['the IPv6 wildcard', '::'],
    ['a name merely starting with 127.', '127.example.com'],
    ['a name merely starting with localhost', 'localhost.example.com'],
  ])('refuses %s', (_name, host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('isSecureEndpoint (RFC 9700 §2.6, RFC 8252 §8.3)', () => {
  it.each([
    'https://auth.example.com/token',
    'http://127.0.0.1:8089/token',
    'http://[::1]:8089/token',
  ])('allows %s', (url) => {
    expect(isSecureEndpoint(new URL(url))).toBe(true);
  });

  it('refuses plain http off this machine', () => {
    expect(isSecureEndpoint(new URL('http://auth.example.com/token'))).toBe(false);
  });

  it.each(['ftp://127.0.0.1/token', 'ws://localhost:8089/token', 'file://127.0.0.1/etc/token'])(
    'refuses %s: only http may skip TLS, and only on loopback',
    (url) => {
      expect(isSecureEndpoint(new URL(url))).toBe(false);
    },
  );
});
