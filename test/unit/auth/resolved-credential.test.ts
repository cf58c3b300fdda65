import { describe, expect, it } from 'vitest';
import {
  credentialFromHeaders,
  ResolvedCredential,
} from '../../../src/auth/resolved-credential.js';
import { fakeSecret } from '../../helpers/tokens.js';

describe('credentialFromHeaders: headers a middleware copied', () => {
  it("a copy of a gateway token's headers still names its API base URL (not a bare bearer for the inherited ANTHROPIC_BASE_URL)", () => {
    const gateway = new ResolvedCredential({
      kind: 'oauth',
      source: 'profile',
      secret: fakeSecret('gateway'),
      apiBaseUrl: 'https://gateway.test',
    });
    const copied = { ...gateway.toHeaders(), 'x-request-id': 'abc' };
    const found = credentialFromHeaders(copied);
    expect(found?.kind).toBe('oauth');
    expect(found?.source).toBe('profile');
    expect(found?.apiBaseUrl).toBe('https://gateway.test');
  });

  it("a copy of Claude Code's own login headers is still Claude Code's login (injected as nothing)", () => {
    const own = new ResolvedCredential({
      kind: 'claude-code-login',
      source: 'claude-code-login',
      secret: fakeSecret('own-login'),
    });
    expect(credentialFromHeaders({ ...own.toHeaders() })?.toEnv()).toEqual({});
  });

  it('headers whose secret was replaced, or an API key sent as a bearer, are read as they are', () => {
    const key = new ResolvedCredential({
      kind: 'api-key',
      source: 'option',
      secret: fakeSecret('k'),
    });
    const replaced = { ...key.toHeaders(), 'x-api-key': 'sk-ant-api03-another' };
    expect(credentialFromHeaders(replaced)?.secret).toBe('sk-ant-api03-another');
    const asBearer = { authorization: `Bearer ${key.secret}` };
    expect(credentialFromHeaders(asBearer)).toMatchObject({ kind: 'oauth', source: 'option' });
  });
});
