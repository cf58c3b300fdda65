import { createVerify, generateKeyPairSync, verify } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import {
  assertIdentityTokenUnexpired,
  type ClientAssertionKey,
  importClientAssertionKey,
  privateKeyJwt,
  readSecretSource,
} from '../../../src/oauth/grant-secrets.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SOURCE = { file: '/keys/client.pem' };
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());

/** The client assertion the key signs for a request, as the server receives it. */
async function assertionFor(key: ClientAssertionKey, audience: string) {
  const body = new URLSearchParams();
  await privateKeyJwt(key, audience)(
    { issuer: 'https://as.example' },
    { client_id: 'ci-client' },
    body,
    new Headers(),
  );
  const jwt = body.get('client_assertion') as string;
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  return {
    jwt,
    header: decode(header),
    payload: decode(payload),
    signed: `${header}.${payload}`,
    signature,
    body,
  };
}

describe('private_key_jwt client assertions (RFC 7523 §2.2, §3)', () => {
  it.each([
    [
      'an RSA PKCS #1 PEM',
      () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
      'pkcs1',
      'RS256',
    ],
    [
      'an EC P-384 PKCS #8 PEM',
      () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
      'pkcs8',
      'ES384',
    ],
    ['an Ed25519 PKCS #8 PEM', () => generateKeyPairSync('ed25519'), 'pkcs8', 'EdDSA'],
  ] as const)(
    'signs with %s, its algorithm taken from the key',
    async (_label, make, type, alg) => {
      const { privateKey, publicKey } = make();
      const pem = privateKey.export({ type, format: 'pem' } as never).toString();
      const key = await importClientAssertionKey(pem, SOURCE);
      const { header, payload, signed, signature, body } = await assertionFor(
        key,
        'https://as.example/token',
      );
      expect(header.alg).toBe(alg);
      expect(header.kid).toBeUndefined();
      expect(body.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      expect(payload).toMatchObject({
        iss: 'ci-client',
        sub: 'ci-client',
        aud: 'https://as.example/token',
      });
      expect(payload.exp - payload.iat).toBe(60);
      expect(typeof payload.jti).toBe('string');
      const raw = Buffer.from(signature, 'base64url');
      const valid =
        alg === 'EdDSA'
          ? verify(null, Buffer.from(signed), publicKey, raw)
          : createVerify(alg === 'RS256' ? 'RSA-SHA256' : 'SHA384')
              .update(signed)
              .verify(
                { key: publicKey, ...(alg === 'ES384' && { dsaEncoding: 'ieee-p1363' as const }) },
                raw,
              );
      expect(valid).toBe(true);
    },
  );

  it('takes the kid and a PS256 alg from a JWK, and a fresh jti each time', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'key-2026', alg: 'PS256' };
    const key = await importClientAssertionKey(JSON.stringify(jwk), SOURCE);
    const first = await assertionFor(key, 'https://as.example');
    const second = await assertionFor(key, 'https://as.example');
    expect(first.header).toMatchObject({ alg: 'PS256', kid: 'key-2026' });
    expect(first.payload.jti).not.toBe(second.payload.jti);
  });

  it('refuses a file that is no private key, naming it and never quoting it', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const text of [
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}',
      'not a key at all: s3cr3t-material',
    ]) {
      const error = await importClientAssertionKey(text, SOURCE).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).code).toBe(AuthErrorCode.CONFIG_INVALID);
      expect((error as AuthenticationError).message).toContain(SOURCE.file);
      expect(JSON.stringify(error) + String((error as Error).cause)).not.toMatch(/s3cr3t|c2VjcmV0/);
    }
  });
});

describe('reading a grant secret where it comes from', () => {
  it('reads a variable or a file at the moment asked, trimmed', async () => {
    const dir = await tempDir();
    const file = join(dir, 'token');
    await writeFile(file, 'first\n');
    expect(await readSecretSource({ file }, 'identity token', {})).toBe('first');
    await writeFile(file, 'second');
    expect(await readSecretSource({ file }, 'identity token', {})).toBe('second');
    expect(await readSecretSource({ env: 'V' }, 'client secret', { V: ' value ' })).toBe('value');
  });

  it.each([
    [{ env: 'CLAUDE_OAUTH_CLIENT_SECRET' }, {}, 'export CLAUDE_OAUTH_CLIENT_SECRET='],
    [
      { env: 'CLAUDE_OAUTH_CLIENT_SECRET' },
      { CLAUDE_OAUTH_CLIENT_SECRET: '  ' },
      'export CLAUDE_OAUTH_CLIENT_SECRET=',
    ],
    [{ file: '/nonexistent/claude-auth/token' }, {}, '/nonexistent/claude-auth/token'],
  ])('refuses %j unset, empty or missing with a fix naming it', async (source, env, named) => {
    const error = await readSecretSource(source, 'identity token', env).catch(
      (caught: unknown) => caught,
    );
    expect((error as AuthenticationError).code).toBe(AuthErrorCode.CONFIG_INVALID);
    expect((error as AuthenticationError).fix).toContain(named);
  });
});

describe('the identity token expiry check', () => {
  const jwt = (claims: object) =>
    `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const NOW = Date.parse('2026-12-08T00:00:00Z');

  it('refuses a JWT whose exp has passed, naming where it came from', () => {
    const expired = jwt({ exp: NOW / 1000 - 1 });
    let caught: unknown;
    try {
      assertIdentityTokenUnexpired(expired, { env: 'CLAUDE_OAUTH_SUBJECT_TOKEN' }, NOW);
    } catch (error) {
      caught = error;
    }
    expect((caught as AuthenticationError).code).toBe(AuthErrorCode.IDENTITY_TOKEN_EXPIRED);
    expect((caught as AuthenticationError).fix).toContain('CLAUDE_OAUTH_SUBJECT_TOKEN');
    expect(JSON.stringify(caught)).not.toContain(expired);
  });

  it('leaves an unexpired JWT, one without exp, and an opaque token to the server', () => {
    for (const token of [jwt({ exp: NOW / 1000 + 1 }), jwt({ sub: 'x' }), 'opaque-token-value'])
      expect(() => assertIdentityTokenUnexpired(token, SOURCE, NOW)).not.toThrow();
  });
});
