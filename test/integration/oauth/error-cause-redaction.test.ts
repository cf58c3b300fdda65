import { Console } from 'node:console';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { refreshProviderToken } from '../../../src/oauth/provider-tokens.js';
import { capturedOutput } from '../../helpers/oauth-fixture.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';
import { oauthToken } from '../../helpers/tokens.js';

const NEW_ACCESS = 'new-access-token-that-must-not-leak-4821';
const NEW_REFRESH = 'new-refresh-token-that-must-not-leak-9377';

describe('an error from a refused token response', () => {
  it('shows no token through its cause chain in console.error or util.inspect', async () => {
    // oauth4webapi refuses `scope` as a JSON array (RFC 6749 §5.1 says a string) and keeps the body as cause.
    const base = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: NEW_ACCESS,
          refresh_token: NEW_REFRESH,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: ['openid', 'email'],
        }),
      );
    });
    const error = await refreshProviderToken(
      oauthToken(0, Date.now(), { provider: { clientId: 'c', tokenEndpoint: `${base}/token` } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: AuthErrorCode.INVALID_RESPONSE });

    const printed = capturedOutput();
    new Console({ stdout: printed.stream, stderr: printed.stream }).error(error);
    const shown = [
      printed.text(),
      inspect(error, { depth: null, showHidden: true }),
      JSON.stringify(error),
    ].join('\n');
    expect(shown).toContain('scope');
    expect(shown).not.toContain(NEW_ACCESS);
    expect(shown).not.toContain(NEW_REFRESH);
    // The chain is kept, only its secrets are gone.
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
