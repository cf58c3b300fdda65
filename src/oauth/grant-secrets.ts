import { createPrivateKey, type JsonWebKey, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { SecretSource } from '../token/auth-token.js';
import { describeSecretSource } from '../token/secret-source.js';

function unreadable(source: SecretSource, what: string, problem: string, cause?: unknown) {
  const fix =
    'env' in source
      ? `export ${source.env}=… (the ${what}), then retry`
      : `make ${source.file} readable by this user and hold the ${what}, then retry`;
  return new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The ${what} (${describeSecretSource(source)}) ${problem}.`,
    { fix, ...(cause !== undefined && { cause }) },
  );
}

/**
 * Reads a machine grant's secret from where it comes from, now: a file is read
 * again at every acquisition, as CI platforms rewrite their identity tokens.
 *
 * @param source - The variable or file.
 * @param what - What it holds, for messages ("client secret").
 * @param env - The environment to read a variable from.
 * @returns The value, surrounding white space removed.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the variable or file
 *   when it is unset, empty, missing or unreadable (the value never appears).
 */
export async function readSecretSource(
  source: SecretSource,
  what: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  let value: string | undefined;
  if ('env' in source) value = env[source.env];
  else {
    try {
      value = await readFile(source.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an I/O error';
      // Only the errno code: the message already names the path, and nothing of the contents.
      throw unreadable(source, what, `cannot be read (${code})`, new Error(code));
    }
  }
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '') throw unreadable(source, what, 'is empty or unset');
  return trimmed;
}

/** The JWS algorithm a key signs with: the JWK's own `alg`, else the one its type implies. */
function algorithmOf(jwk: JsonWebKey): {
  alg: string;
  params: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm;
} {
  if (jwk.kty === 'RSA') {
    const alg =
      typeof jwk.alg === 'string' && /^(RS|PS)(256|384|512)$/.test(jwk.alg) ? jwk.alg : 'RS256';
    return {
      alg,
      params: {
        name: alg.startsWith('PS') ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5',
        hash: `SHA-${alg.slice(2)}`,
      },
    };
  }
  if (jwk.kty === 'EC') {
    const curves: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
    const alg = curves[jwk.crv ?? ''];
    if (alg !== undefined) return { alg, params: { name: 'ECDSA', namedCurve: jwk.crv as string } };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519')
    return { alg: 'EdDSA', params: { name: 'Ed25519' } };
  throw new Error(`unsupported key type ${String(jwk.kty)} ${String(jwk.crv ?? '')}`.trim());
}

/** A `private_key_jwt` signing key and the JWS algorithm its assertions name. */
export interface ClientAssertionKey {
  readonly key: oauth.PrivateKey;
  /** RFC 7518 name; `EdDSA` for Ed25519, which servers know better than RFC 9864's `Ed25519`. */
  readonly alg: string;
}

/**
 * Loads the private key of `private_key_jwt` (RFC 7523 §2.2) from a PEM
 * (PKCS #8 or PKCS #1 / SEC 1) or a JWK: the algorithm comes from the key
 * (RSA: its JWK `alg`, else RS256; EC P-256/384/521: ES256/384/512; Ed25519:
 * EdDSA), the `kid` from the JWK (a PEM has none: the server then tries its
 * registered keys).
 *
 * @param text - The key file's contents.
 * @param source - Where it came from, for messages.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` naming the file, never quoting it.
 */
export async function importClientAssertionKey(
  text: string,
  source: SecretSource,
): Promise<ClientAssertionKey> {
  try {
    const parsed = text.startsWith('{') ? (JSON.parse(text) as JsonWebKey) : undefined;
    const jwk = createPrivateKey(
      parsed === undefined ? text : { key: parsed, format: 'jwk' },
    ).export({ format: 'jwk' });
    const { alg, params } = algorithmOf({
      ...jwk,
      ...(parsed?.alg !== undefined && { alg: parsed.alg }),
    });
    const key = await webcrypto.subtle.importKey('jwk', { ...jwk, alg }, params, false, ['sign']);
    const kid = typeof parsed?.kid === 'string' ? parsed.kid : undefined;
    return { key: { key, ...(kid !== undefined && { kid }) }, alg };
  } catch (error) {
    // The parser's message may quote the key: keep only its kind.
    throw unreadable(
      source,
      'client assertion key',
      'is not a private key in PEM or JWK form (RSA, EC P-256/384/521 or Ed25519)',
      new Error(error instanceof Error ? error.name : 'invalid key'),
    );
  }
}

/**
 * Client authentication by `private_key_jwt` (RFC 7523 §2.2), the assertion
 * made by oauth4webapi (fresh `jti`, `iat`, `exp` 60 s later: RFC 7523 §3's
 * short lifetime; `iss` = `sub` = the client id). Its `aud` is the issuer when one is
 * known, else the token endpoint (RFC 7523 §3 allows either; an issuer nobody
 * named cannot be the audience).
 *
 * @param signing - From {@link importClientAssertionKey}.
 * @param audience - The issuer, else the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export function privateKeyJwt(signing: ClientAssertionKey, audience: string): oauth.ClientAuth {
  return oauth.PrivateKeyJwt(signing.key, {
    [oauth.modifyAssertion]: (header, payload) => {
      header.alg = signing.alg;
      payload.aud = audience;
    },
  });
}

/**
 * Refuses an identity token (a JWT) whose `exp` has passed, before it is sent:
 * the server would refuse it with a bare `invalid_grant`, which does not say
 * that the platform's token, not the configuration, is the problem. A token
 * that is not a JWT, or has no `exp`, is the server's to judge.
 *
 * @param token - The identity token.
 * @param source - Where it came from, for the message.
 * @param now - The current time in epoch ms.
 * @throws {@link AuthenticationError} `IDENTITY_TOKEN_EXPIRED` naming the variable or file.
 */
export function assertIdentityTokenUnexpired(
  token: string,
  source: SecretSource,
  now: number,
): void {
  let exp: unknown;
  try {
    exp = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        exp?: unknown;
      }
    ).exp;
  } catch {
    return;
  }
  if (typeof exp !== 'number' || exp * 1000 > now) return;
  throw new AuthenticationError(
    AuthErrorCode.IDENTITY_TOKEN_EXPIRED,
    `The identity token in ${describeSecretSource(source)} expired at ${new Date(exp * 1000).toISOString()}; it was not sent.`,
    {
      fix:
        'env' in source
          ? `give ${source.env} a fresh identity token from the platform, then retry`
          : `have the platform write a fresh identity token to ${source.file} (CI: request it again in the job), then retry`,
    },
  );
}
