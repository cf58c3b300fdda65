import {
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  type JsonWebKey,
  randomUUID,
} from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The claims of a GitHub Actions OIDC token that a relying party's policy looks at. */
export interface CiClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly repository: string;
  readonly job_workflow_ref: string;
  readonly exp: number;
  readonly iat: number;
  readonly [claim: string]: unknown;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A CI platform's identity-token issuer on 127.0.0.1 (standing in for GitHub
 * Actions' `token.actions.githubusercontent.com`): it signs RS256 tokens with
 * GitHub's claim shape and serves its JWKS, which a token-exchange grant
 * handler fetches to verify them.
 */
export class CiIdentityIssuer {
  readonly #server: Server;
  readonly #privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  readonly kid = randomUUID();
  /** How many times the JWKS was fetched (a verifier really looked). */
  jwksFetches = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<CiIdentityIssuer> {
    const server = createServer();
    const issuer = new CiIdentityIssuer(server);
    server.on('request', (request, response) => {
      if (request.url === '/.well-known/jwks') {
        issuer.jwksFetches++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: [issuer.publicJwk()] }));
        return;
      }
      response.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return issuer;
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks`;
  }

  publicJwk(): JsonWebKey {
    return {
      ...createPublicKey(this.#privateKey).export({ format: 'jwk' }),
      kid: this.kid,
      alg: 'RS256',
      use: 'sig',
    };
  }

  /**
   * A job's identity token, as GitHub Actions issues one for
   * `ORG/REPO` on `ref` (`sub` = `repo:ORG/REPO:ref:REF`).
   */
  sign(
    options: { audience: string; repository?: string; ref?: string; lifetimeS?: number },
    now = Date.now(),
  ): string {
    const repository = options.repository ?? 'example-org/example-repo';
    const ref = options.ref ?? 'refs/heads/main';
    const iat = Math.floor(now / 1000);
    const claims: CiClaims = {
      iss: this.issuer,
      sub: `repo:${repository}:ref:${ref}`,
      aud: options.audience,
      repository,
      job_workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
      ref,
      iat,
      nbf: iat,
      exp: iat + (options.lifetimeS ?? 300),
      jti: randomUUID(),
    };
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.#privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/**
 * Verifies an identity token as a relying party does: the key from the
 * issuer's JWKS (fetched over HTTP), the RS256 signature, `iss`, `aud` and
 * `exp`. Throws on any failure.
 *
 * @param token - The compact JWS.
 * @param expected - The issuer and its JWKS URI, and the audience the token must name.
 */
export async function verifyCiToken(
  token: string,
  expected: { issuer: string; jwksUri: string; audience: string },
): Promise<CiClaims> {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined)
    throw new Error('not a JWS');
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
    kid?: string;
    alg?: string;
  };
  if (alg !== 'RS256') throw new Error(`unexpected alg ${alg}`);
  const jwks = (await (await fetch(expected.jwksUri)).json()) as { keys: JsonWebKey[] };
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (jwk === undefined) throw new Error('unknown kid');
  const valid = createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  if (!valid) throw new Error('bad signature');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as CiClaims;
  if (claims.iss !== expected.issuer) throw new Error('unexpected issuer');
  if (claims.aud !== expected.audience) throw new Error('unexpected audience');
  if (claims.exp * 1000 <= Date.now()) throw new Error('expired');
  return claims;
}
