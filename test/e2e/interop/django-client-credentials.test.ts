import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../../src/login/login.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { TokenManager } from '../../../src/refresh/token-manager.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { DjangoOAuthServer } from '../../helpers/django-oauth-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

let server: DjangoOAuthServer;
beforeAll(async () => {
  server = await DjangoOAuthServer.start();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('machine login against Django OAuth Toolkit 1.7 (client credentials)', () => {
  it('logs in with the client credentials grant and acquires again with it, each token live at the server', async () => {
    const storage = new TokenStorage(join(await tempDir(), 'tokens.json'), 'dot');
    const env = {
      CLAUDE_OAUTH_CLIENT_ID: server.machineClient.id,
      CLAUDE_OAUTH_CLIENT_SECRET: server.machineClient.secret,
      CLAUDE_OAUTH_TOKEN_URL: server.endpoints.token,
    };
    const first = await login({ machineGrant: 'client_credentials', env, storage });
    expect(first.refreshToken).toBeUndefined();
    expect(first.grant?.type).toBe('client_credentials');
    expect(await server.accessTokenActive(first.accessToken)).toBe(true);

    const next = await new TokenManager({
      storage,
      refresh: (token) => refreshProviderToken(token, { env }),
    }).refreshNow();
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(await server.accessTokenActive(next.accessToken)).toBe(true);
    expect((await storage.loadToken())?.accessToken).toBe(next.accessToken);
  }, 60_000);
});
