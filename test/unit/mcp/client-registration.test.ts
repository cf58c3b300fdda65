import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { registerClient } from '../../../src/mcp/client-registration.js';
import type { OAuthFetch } from '../../../src/oauth/http-client.js';

const as = { issuer: 'https://as.example' };
const unused: OAuthFetch = async () => {
  throw new Error('no request expected');
};

describe('registerClient: the MCP spec order', () => {
  it('uses a given client id first, with its secret', async () => {
    expect(
      await registerClient(
        { ...as, registration_endpoint: 'https://as.example/reg' },
        { clientId: 'mine', clientSecret: 's' },
        unused,
      ),
    ).toEqual({ clientId: 'mine', clientSecret: 's', registration: 'pre-registered' });
  });

  it('uses a Client ID Metadata Document URL only where the server supports it', async () => {
    const url = 'https://app.example/client.json';
    expect(
      await registerClient(
        { ...as, client_id_metadata_document_supported: true } as never,
        { metadataDocumentUrl: url },
        unused,
      ),
    ).toEqual({ clientId: url, registration: 'metadata-document' });
    await expect(registerClient(as, { metadataDocumentUrl: url }, unused)).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
    });
  });

  it('registers dynamically as a public native client on loopback (RFC 7591)', async () => {
    const bodies: unknown[] = [];
    const fetch: OAuthFetch = async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      return Response.json({ client_id: 'issued' }, { status: 201 });
    };
    expect(
      await registerClient({ ...as, registration_endpoint: 'https://as.example/reg' }, {}, fetch),
    ).toEqual({ clientId: 'issued', registration: 'dynamic' });
    expect(bodies[0]).toMatchObject({
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
    });
  });

  it('says to pass --client-id when nothing else is possible', async () => {
    await expect(registerClient(as, {}, unused)).rejects.toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      fix: expect.stringContaining('--client-id'),
    });
  });

  it('reports a refused registration without echoing its body', async () => {
    const fetch: OAuthFetch = async () =>
      Response.json({ error: 'invalid_client_metadata', secret_echo: 'zzz' }, { status: 400 });
    const error = await registerClient(
      { ...as, registration_endpoint: 'https://as.example/reg' },
      {},
      fetch,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.TOKEN_ENDPOINT_ERROR });
    expect(String((error as Error).message)).toContain('invalid_client_metadata');
    expect(String((error as Error).message)).not.toContain('zzz');
  });
});
