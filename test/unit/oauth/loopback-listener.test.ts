import { describe, expect, it } from 'vitest';
import { listenForCallback } from '../../../src/oauth/loopback-listener.js';

describe('listenForCallback', () => {
  it('binds localhost to 127.0.0.1 and ::1 on one port, never a wildcard address', async () => {
    const listener = await listenForCallback(new URL('http://localhost:0/callback'), 'state-1');
    try {
      const addresses = listener.boundAddresses.map((a) => a.address).sort();
      expect(addresses).toEqual(['127.0.0.1', '::1']);
      expect(new Set(listener.boundAddresses.map((a) => a.port)).size).toBe(1);
      expect(new URL(listener.redirectUri).port).toBe(String(listener.boundAddresses[0]?.port));
      expect(new URL(listener.redirectUri).hostname).toBe('localhost');
    } finally {
      await listener.close();
    }
  });

  it('binds exactly the literal address given', async () => {
    const listener = await listenForCallback(new URL('http://127.0.0.1:0/cb'), 's');
    expect(listener.boundAddresses.map((a) => a.address)).toEqual(['127.0.0.1']);
    await listener.close();
  });

  it('refuses a forged state of the same length, then still accepts the right one', async () => {
    const state = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const listener = await listenForCallback(new URL('http://127.0.0.1:0/cb'), state);
    try {
      let settled = false;
      void listener.callback.then(() => {
        settled = true;
      });
      const forged = await fetch(`${listener.redirectUri}?code=evil&state=${'b'.repeat(43)}`, {
        redirect: 'manual',
      });
      expect(forged.status).toBe(400);
      expect(settled).toBe(false);
      await fetch(`${listener.redirectUri}?code=good&state=${state}`, { redirect: 'manual' });
      expect((await listener.callback).get('code')).toBe('good');
    } finally {
      await listener.close();
    }
  });

  it('accepts the right state once, redirects to a page with strict headers, then ignores repeats', async () => {
    const listener = await listenForCallback(new URL('http://127.0.0.1:0/cb'), 'the-state');
    const first = await fetch(`${listener.redirectUri}?code=c1&state=the-state`, {
      redirect: 'manual',
    });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect((await listener.callback).get('code')).toBe('c1');
    const again = await fetch(`${listener.redirectUri}?code=c2&state=the-state`);
    expect(again.status).toBe(400);
    const page = await fetch(new URL('/', listener.redirectUri));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).not.toMatch(/<(script|img|link)|https?:\/\//);
    await listener.close();
  });
});
