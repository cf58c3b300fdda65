import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../../src/errors/redact.js';

describe('redactSecrets', () => {
  it.each([
    [
      'an Anthropic API key',
      'key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789 here',
      'sk-ant-api03-',
    ],
    ['a subscription token', 'sk-ant-oat01-ZZZZZZZZZZZZZZZZZZZZ_yyyy', 'sk-ant-oat01-'],
    ['a JWT', 'id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJ'],
    ['a bearer header', 'Authorization: Bearer abcdefgh12345678', 'Bearer '],
    // base64("cli:TOPSECRETCLIENT1234567890"), as a token endpoint echoing the request shows it.
    ['a Basic client credential', 'auth=Basic Y2xpOlRPUFNFQ1JFVENMSUVOVDEyMzQ1Njc4OTA=', 'Basic '],
    [
      'a form refresh token',
      'grant_type=refresh_token&refresh_token=rt-1234567890',
      'refresh_token=',
    ],
    ['a JSON access token', '{"access_token":"at-1234567890"}', '"access_token":"'],
    ['a code in a URL', 'http://127.0.0.1:8089/callback?code=abcdef123&state=x', 'code='],
    ['a camel-case field', '{"refreshToken": "rt-abcdefgh"}', '"refreshToken": "'],
    // Machine grants' secrets, opaque ones included (RFC 8693 §2.1, RFC 7523 §2.1, §2.2).
    [
      'an opaque RFC 8693 subject token',
      'grant_type=x&subject_token=st-1234567890&subject_token_type=urn:ietf:params:oauth:token-type:jwt',
      'subject_token=',
    ],
    ['an RFC 8693 actor token', 'actor_token=act-1234567890', 'actor_token='],
    ['an RFC 7523 assertion', 'grant_type=x&assertion=as-1234567890', 'assertion='],
    ['a client assertion', 'client_assertion=ca-1234567890&client_id=c', 'client_assertion='],
  ])('removes %s and keeps its prefix', (_name, text, prefix) => {
    const result = redactSecrets(text);
    expect(result).toContain(`${prefix}${REDACTED}`);
    expect(result).not.toMatch(
      /1234567890|abcdefghijklmnop|ZZZZZZZZ|c2lnbmF0dXJl|abcdef123|rt-abcdefgh|Y2xpOlRP/,
    );
  });

  it('removes exact known secrets that have no telltale shape', () => {
    expect(redactSecrets('value is opaque-secret-42!', ['opaque-secret-42'])).toBe(
      `value is ${REDACTED}!`,
    );
  });

  it('leaves ordinary text, error codes and short known values alone', () => {
    const text = '{"code":"STORAGE_CORRUPT","message":"exit code 3"}';
    expect(redactSecrets(text, ['abc', undefined])).toBe(text);
  });
});
