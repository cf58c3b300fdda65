import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { logout } from '../../../src/auth/login.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
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
  it('revokes the refresh token and the access token, and reports each', async () => {
    const { forms, token } = await revocationEndpoint((_form, response) =>
      response.writeHead(200).end(),
    );
    const storage = await freshStorage();
    await storage.saveToken(token);
    const result = await logout({ storage });
    expect(forms.map((form) => [form.get('token_type_hint'), form.get('token')])).toEqual([
      ['refresh_token', token.refreshToken],
      ['access_token', token.accessToken],
    ]);
    expect(result).toMatchObject({
      removed: true,
      revoked: true,
      revocations: [
        { token: 'refresh_token', revoked: true },
        { token: 'access_token', revoked: true },
      ],
    });
  });

  it('says precisely which token the provider refused', async () => {
    const { token } = await revocationEndpoint((form, response) => {
      if (form.get('token_type_hint') === 'refresh_token') response.writeHead(200).end();
      else
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'unsupported_token_type' }));
    });
    const storage = await freshStorage();
    await storage.saveToken(token);
    const result = await logout({ storage });
    expect(result.revoked).toBe(false);
    expect(result.revocations?.[0]).toMatchObject({ token: 'refresh_token', revoked: true });
    expect(result.revocations?.[1]).toMatchObject({ token: 'access_token', revoked: false });
    expect(result.revocationError?.message).toMatch(/access token.*unsupported_token_type/);
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
});
