import { describe, expect, it } from 'vitest';
import { credentialDestination } from '../../../src/credentials/credential-destination.js';
import {
  attachedCredential,
  credentialFromHeaders,
  credentialText,
  headersCarry,
  OAUTH_BETA,
  ResolvedCredential,
  type ResolvedCredentialKind,
} from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { fakeSecret } from '../../helpers/tokens.js';

describe('credentialFromHeaders: the credential travels with the object getAuthHeaders made, not by its secret', () => {
  const gateway = () =>
    new ResolvedCredential({
      kind: 'oauth',
      source: 'profile',
      secret: fakeSecret('gateway'),
      apiBaseUrl: 'https://gateway.test',
    });

  it("the headers themselves name the gateway token's API base URL", () => {
    const credential = gateway();
    const found = credentialFromHeaders(credential.toHeaders());
    expect(found).toBe(credential);
    expect(found?.apiBaseUrl).toBe('https://gateway.test');
  });

  it('a copy is read as it is: no registry keyed by the secret remembers what was handed out', () => {
    const credential = gateway();
    const copied = { ...credential.toHeaders(), 'x-request-id': 'abc' };
    expect(attachedCredential(copied)).toBeUndefined();
    expect(credentialFromHeaders(copied)).toMatchObject({ kind: 'oauth', source: 'option' });
    expect(credentialFromHeaders(copied)?.apiBaseUrl).toBeUndefined();
  });

  it('headersCarry: only while the headers send its secret in the header its kind uses', () => {
    const key = new ResolvedCredential({
      kind: 'api-key',
      source: 'option',
      secret: fakeSecret('k'),
    });
    const headers = key.toHeaders();
    expect(headersCarry(headers, key)).toBe(true);
    expect(headersCarry({ ...headers, 'x-api-key': 'sk-ant-api03-another' }, key)).toBe(false);
    expect(headersCarry({ authorization: `Bearer ${key.secret}` }, key)).toBe(false);
    const own = new ResolvedCredential({
      kind: 'claude-code-login',
      source: 'claude-code-login',
      secret: fakeSecret('own-login'),
    });
    expect(headersCarry({ ...own.toHeaders() }, own)).toBe(true);
    expect(headersCarry({ ...own.toHeaders(), 'x-api-key': 'k' }, own)).toBe(false);
  });

  it('headers whose secret was replaced are read as they are', () => {
    const key = new ResolvedCredential({
      kind: 'api-key',
      source: 'option',
      secret: fakeSecret('k'),
    });
    const replaced = Object.assign(key.toHeaders(), { 'x-api-key': 'sk-ant-api03-another' });
    expect(credentialFromHeaders(replaced)?.secret).toBe('sk-ant-api03-another');
  });
});

describe('toEnv: each kind of credential reaches Claude Code through its own variable, and no other', () => {
  it('an API key is ANTHROPIC_API_KEY only (never an OAuth token variable), a subscription token CLAUDE_CODE_OAUTH_TOKEN, a gateway token ANTHROPIC_AUTH_TOKEN', () => {
    const secret = fakeSecret('env-kind');
    const envOf = (kind: ResolvedCredentialKind) =>
      new ResolvedCredential({ kind, source: 'option', secret }).toEnv();
    expect(envOf('api-key')).toEqual({ ANTHROPIC_API_KEY: secret });
    expect(envOf('claude-subscription')).toEqual({ CLAUDE_CODE_OAUTH_TOKEN: secret });
    expect(envOf('oauth')).toEqual({ ANTHROPIC_AUTH_TOKEN: secret });
    expect(envOf('claude-code-login')).toEqual({});
  });
});

describe('credentialFromHeaders: a bearer token with the OAuth beta flag is a subscription token', () => {
  const inheritedProxy = { ANTHROPIC_BASE_URL: 'https://proxy.example' };

  it('reads Bearer + anthropic-beta: oauth-2025-04-20 (any header case) as a subscription token, which never follows an inherited ANTHROPIC_BASE_URL', () => {
    for (const name of ['anthropic-beta', 'Anthropic-Beta']) {
      const found = credentialFromHeaders({
        authorization: `Bearer ${fakeSecret('beta-only')}`,
        [name]: OAUTH_BETA,
      });
      if (found === undefined) throw new Error('no credential read from the headers');
      expect(found.kind).toBe('claude-subscription');
      expect(credentialDestination(found, { inherited: inheritedProxy })).toBeUndefined();
    }
  });

  it('finds the flag in a comma-separated beta list, with or without spaces around the commas', () => {
    for (const betas of [
      `prompt-caching-2024-07-31,${OAUTH_BETA}`,
      `prompt-caching-2024-07-31, ${OAUTH_BETA} ,files-api-2025-04-14`,
    ]) {
      const found = credentialFromHeaders({
        authorization: `Bearer ${fakeSecret('beta-list')}`,
        'anthropic-beta': betas,
      });
      expect(found?.kind).toBe('claude-subscription');
    }
  });

  it('reads a bearer without the flag (absent, other betas, or a longer name containing it) as a gateway token for the caller’s base URL', () => {
    for (const betas of [undefined, 'prompt-caching-2024-07-31', `${OAUTH_BETA}-preview`]) {
      const found = credentialFromHeaders({
        authorization: `Bearer ${fakeSecret('no-beta')}`,
        ...(betas !== undefined && { 'anthropic-beta': betas }),
      });
      if (found === undefined) throw new Error('no credential read from the headers');
      expect(found.kind).toBe('oauth');
      expect(credentialDestination(found, { inherited: inheritedProxy })).toBe(
        inheritedProxy.ANTHROPIC_BASE_URL,
      );
    }
  });
});

describe('credentialText: one check for a credential from an option or the environment', () => {
  it.each([undefined, '', ' ', '\n\t'])('%j is absent', (value) => {
    expect(credentialText(value, 'ANTHROPIC_API_KEY')).toBeUndefined();
  });

  it('a credential without whitespace is itself', () => {
    expect(credentialText('sk-ant-api03-abc', 'ANTHROPIC_API_KEY')).toBe('sk-ant-api03-abc');
  });

  it.each([
    'sk-ant-api03 abc',
    'sk-ant-api03-abc\n',
    ' sk-ant-api03-abc',
    'sk-ant-api03-\u0000abc',
  ])('%j is CONFIG_INVALID, naming the variable but not the value', (value) => {
    let error: unknown;
    try {
      credentialText(value, 'CLAUDE_CODE_OAUTH_TOKEN');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      message: expect.stringContaining('CLAUDE_CODE_OAUTH_TOKEN'),
      fix: expect.stringContaining('unset it'),
    });
    expect(JSON.stringify(error)).not.toContain('abc');
    expect((error as Error).message).not.toContain('abc');
  });
});
