import { describe, expect, it } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { machineGrantFromEnv } from '../../../src/oauth/machine-grant-config.js';

const PROVIDER = {
  CLAUDE_OAUTH_CLIENT_ID: 'ci-client',
  CLAUDE_OAUTH_TOKEN_URL: 'https://as.example/token',
};

function refusal(run: () => unknown): AuthenticationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe(AuthErrorCode.CONFIG_INVALID);
    return error as AuthenticationError;
  }
  throw new Error('expected a refusal');
}

describe('machine grants from the environment', () => {
  it('records where the secrets come from, files by absolute path, never a value', () => {
    const { grant, config } = machineGrantFromEnv(
      'token-exchange',
      {
        ...PROVIDER,
        CLAUDE_OAUTH_CLIENT_SECRET: 'the-secret-value',
        CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: 'run/id-token',
        CLAUDE_OAUTH_SUBJECT_TOKEN_TYPE: 'urn:ietf:params:oauth:token-type:id_token',
        CLAUDE_OAUTH_AUDIENCE: 'gateway',
        CLAUDE_OAUTH_RESOURCE: 'https://gateway.example/',
        CLAUDE_OAUTH_SCOPES: 'claude  api',
      },
      '/work/job',
    );
    expect(grant).toEqual({
      type: 'token-exchange',
      clientSecret: { env: 'CLAUDE_OAUTH_CLIENT_SECRET' },
      subjectToken: { file: '/work/job/run/id-token' },
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      audience: 'gateway',
      scopes: ['claude', 'api'],
    });
    expect(JSON.stringify(grant)).not.toContain('the-secret-value');
    expect(config.resource?.href).toBe('https://gateway.example/');
  });

  it('defaults the subject token type to jwt, takes the token from its variable, and a public client', () => {
    const { grant } = machineGrantFromEnv('token-exchange', {
      ...PROVIDER,
      CLAUDE_OAUTH_SUBJECT_TOKEN: 'eyJ.x.y',
    });
    expect(grant).toEqual({
      type: 'token-exchange',
      subjectToken: { env: 'CLAUDE_OAUTH_SUBJECT_TOKEN' },
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    });
    expect(
      machineGrantFromEnv('jwt-bearer', { ...PROVIDER, CLAUDE_OAUTH_SUBJECT_TOKEN: 'eyJ.x.y' })
        .grant,
    ).toEqual({ type: 'jwt-bearer', subjectToken: { env: 'CLAUDE_OAUTH_SUBJECT_TOKEN' } });
  });

  it.each([
    ['no provider', 'client_credentials', {}, 'CLAUDE_OAUTH_CLIENT_ID'],
    [
      'client credentials without a secret or key',
      'client_credentials',
      PROVIDER,
      'CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE',
    ],
    [
      'both a secret and a key',
      'client_credentials',
      {
        ...PROVIDER,
        CLAUDE_OAUTH_CLIENT_SECRET: 's',
        CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE: 'k.pem',
      },
      'CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE',
    ],
    [
      'an exchange without identity token',
      'token-exchange',
      PROVIDER,
      'CLAUDE_OAUTH_SUBJECT_TOKEN_FILE',
    ],
    [
      'two identity tokens',
      'token-exchange',
      { ...PROVIDER, CLAUDE_OAUTH_SUBJECT_TOKEN_FILE: 'f', CLAUDE_OAUTH_SUBJECT_TOKEN: 't' },
      'CLAUDE_OAUTH_SUBJECT_TOKEN_FILE',
    ],
    [
      'a token type RFC 8693 does not define',
      'token-exchange',
      { ...PROVIDER, CLAUDE_OAUTH_SUBJECT_TOKEN: 't', CLAUDE_OAUTH_SUBJECT_TOKEN_TYPE: 'jwt' },
      'CLAUDE_OAUTH_SUBJECT_TOKEN_TYPE',
    ],
  ] as const)('refuses %s, naming the variable', (_label, type, env, named) => {
    const error = refusal(() => machineGrantFromEnv(type, env));
    expect(`${error.message} ${error.fix}`).toContain(named);
  });
});
