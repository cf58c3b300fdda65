import { chmod, truncate } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { logout } from '../../../src/login/login.js';
import { revokeProviderTokens } from '../../../src/oauth/provider-tokens.js';
import { freshStorage } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { oauthToken } from '../../helpers/tokens.js';

/** A revocation endpoint answering each request with `answer(form)`; returns the forms it received. */
async function revocationEndpoint(
  answer: (form: URLSearchParams, response: ServerResponse) => void,
) {
  const forms: URLSearchParams[] = [];
  const base = await scriptedServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const form = new URLSearchParams(body);
      forms.push(form);
      answer(form, response);
    });
  });
  const token = oauthToken(60_000, Date.now(), {
    provider: {
      clientId: 'c',
      tokenEndpoint: `${base}/token`,
      revocationEndpoint: `${base}/revoke`,
    },
  });
  return { forms, token };
}

describe('revocation at logout (RFC 7009)', () => {
  it('revokes the access token, then the refresh token, and reports each', async () => {
    const { forms, token } = await revocationEndpoint((_form, response) =>
      response.writeHead(200).end(),
    );
    const storage = await freshStorage();
    await storage.saveToken(token);
    const result = await logout({ storage });
    expect(forms.map((form) => [form.get('token_type_hint'), form.get('token')])).toEqual([
      ['access_token', token.accessToken],
      ['refresh_token', token.refreshToken],
    ]);
    expect(result).toMatchObject({
      removed: true,
      revoked: true,
      revocations: [
        { token: 'access_token', revoked: true, outcome: 'confirmed' },
        { token: 'refresh_token', revoked: true, outcome: 'confirmed' },
      ],
    });
  });

  it('says so when the provider names no revocation endpoint: the tokens stay valid', async () => {
    const storage = await freshStorage();
    await storage.saveToken(
      oauthToken(60_000, Date.now(), {
        provider: { clientId: 'c', tokenEndpoint: 'http://127.0.0.1:9/token' },
      }),
    );
    const result = await logout({ storage });
    expect(result).toEqual({ removed: true, revoked: false, revocationUnavailable: true });
    expect(await storage.loadToken()).toBeNull();
  });

  it('says precisely which token the provider refused', async () => {
    const { token } = await revocationEndpoint((form, response) => {
      if (form.get('token_type_hint') === 'access_token') response.writeHead(200).end();
      else
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'unsupported_token_type' }));
    });
    const storage = await freshStorage();
    await storage.saveToken(token);
    const result = await logout({ storage });
    expect(result.revoked).toBe(false);
    expect(result.revocations?.[0]).toMatchObject({ token: 'access_token', revoked: true });
    expect(result.revocations?.[1]).toMatchObject({ token: 'refresh_token', revoked: false });
    expect(result.revocationError?.message).toMatch(/refresh token.*unsupported_token_type/);
  });

  /**
   * A server that ends a whole token family with any of its tokens, then
   * answers 400 for a token it no longer knows (RFC 7009 §2.2 says 200).
   */
  const familyRevokingEndpoint = () => {
    let ended = false;
    return revocationEndpoint((_form, response) => {
      if (ended)
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'invalid_request', error_description: 'token not found' }));
      else {
        ended = true;
        response.writeHead(200).end();
      }
    });
  };

  it('counts a 400 for the token the first revocation already ended as revoked, and says so', async () => {
    const { token } = await familyRevokingEndpoint();
    const storage = await freshStorage();
    await storage.saveToken(token);
    const result = await logout({ storage });
    expect(result).toMatchObject({
      revoked: true,
      revocations: [
        { token: 'access_token', revoked: true, outcome: 'confirmed' },
        { token: 'refresh_token', revoked: true, outcome: 'ended-by-first' },
      ],
    });
    expect(result.revocationError).toBeUndefined();
  });

  it('does not count a 400 as revoked when the first revocation was not confirmed', async () => {
    const { token } = await revocationEndpoint((_form, response) =>
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_request' })),
    );
    const outcomes = await revokeProviderTokens(token);
    expect(outcomes.map(({ revoked }) => revoked)).toEqual([false, false]);
  });

  it('reports a bare 401 as a refusal with its status, and says "To fix:" once', async () => {
    const { token } = await revocationEndpoint((_form, response) => response.writeHead(401).end());
    const outcomes = await revokeProviderTokens(token);
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome.error).toMatchObject({ code: AuthErrorCode.REVOCATION_FAILED, status: 401 });
      expect(outcome.error?.message).toMatch(/refused the request \(HTTP 401/);
      expect(outcome.error?.message).not.toMatch(/content-type|invalid response/i);
      expect(outcome.error?.message.match(/To fix:/g)).toHaveLength(1);
    }
  });

  it.each([
    ['readable by other users (0644)', (path: string) => chmod(path, 0o644)],
    ['truncated', (path: string) => truncate(path, 40)],
  ])(
    'says a credential it could not read (%s) was removed but not revoked',
    async (_name, spoil) => {
      const { forms, token } = await revocationEndpoint((_form, response) =>
        response.writeHead(200).end(),
      );
      const storage = await freshStorage();
      await storage.saveToken(token);
      await spoil(storage.path);
      const result = await logout({ storage });
      expect(result.removed).toBe(true);
      expect(await storage.loadToken()).toBeNull();
      // Not a silent success: the tokens may still be live, and the file that named the provider is gone.
      expect(forms).toHaveLength(0);
      expect(result.revoked).toBe(false);
      expect(result.revocationError).toMatchObject({ code: AuthErrorCode.REVOCATION_FAILED });
      expect(result.revocationError?.message).toMatch(/could not be read/);
      expect(result.revocationError?.fix).toMatch(/revoke/);
    },
  );
});
