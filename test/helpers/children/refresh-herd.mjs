// One process of the multi-process herd: waits for "go" on stdin, then asks
// for a valid token from N concurrent callers and reports what each got.
import { AuthToken, isAuthenticationError, TokenStorage } from '../../../dist/index.js';
import { TokenManager } from '../../../dist/refresh/token-manager.js';

const [path, endpoint, callers] = process.argv.slice(2);

async function refresh(token) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.refreshToken }),
  });
  const body = await response.json();
  if (!response.ok) {
    const { AuthenticationError } = await import('../../../dist/index.js');
    throw new AuthenticationError('TOKEN_ENDPOINT_ERROR', 'refresh refused', {
      status: response.status,
      oauthError: body,
    });
  }
  return new AuthToken({
    ...token.toInit(),
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + body.expires_in * 1000),
  });
}

const manager = new TokenManager({ storage: new TokenStorage(path), refresh });
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const results = await Promise.all(
    Array.from({ length: Number(callers) }, () =>
      manager.getValidToken().then(
        (token) => ({ token: token.accessToken }),
        (error) => ({ error: isAuthenticationError(error) ? error.code : String(error) }),
      ),
    ),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
});
