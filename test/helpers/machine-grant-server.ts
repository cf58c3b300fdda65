import { generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { OidcServer } from '../../fixtures/oidc-server.js';
import { type CiClaims, CiIdentityIssuer, verifyCiToken } from './ci-identity-issuer.js';

/** A confidential client allowed only the client credentials grant, by secret (Basic). */
export const SECRET_CLIENT = {
  id: 'machine-secret',
  secret: 'test-machine-client-secret-0123456789',
};
/** A client authenticating by `private_key_jwt`, allowed every machine grant. */
export const KEY_CLIENT_ID = 'machine-key';
/** A public client a CI job uses to exchange its identity token. */
export const CI_CLIENT_ID = 'machine-ci';
/**
 * A confidential client registered for token exchange whose exchanges the
 * gateway's policy refuses (`unauthorized_client`, RFC 6749 §5.2): only the CI
 * and key clients may exchange identity tokens.
 */
export const UNTRUSTED_CLIENT = {
  id: 'machine-untrusted',
  secret: 'test-untrusted-client-secret-0123456789',
};
/** The audience the CI platform's tokens must be minted for (GitHub: `audience` of the token request). */
export const CI_AUDIENCE = 'https://gateway.example/claude';
/** The RFC 8693 `audience` the gateway accepts in an exchange. */
export const GATEWAY_AUDIENCE = 'claude-gateway';
/** The organisation whose repositories may exchange their job tokens. */
export const TRUSTED_ORG = 'example-org';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SUBJECT_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
]);

/** One token the gateway issued with a machine grant: which grant, which client, whose identity. */
export interface Acquisition {
  readonly grantType: string;
  readonly clientId: string;
  readonly subject?: string;
}

function keyPair(): { privatePem: string; privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
  };
}

/**
 * A gateway's authorization server for machine identities: a real
 * oidc-provider with the client credentials grant (secret and
 * `private_key_jwt` clients), and RFC 8693 token exchange and RFC 7523 JWT
 * bearer grants whose handler verifies the CI platform's identity token
 * against that platform's JWKS (a {@link CiIdentityIssuer} on 127.0.0.1) and
 * a policy on its claims (repository of {@link TRUSTED_ORG}). Every token it
 * issues is counted in {@link MachineGrantServer.acquisitions}.
 */
export class MachineGrantServer {
  private constructor(
    readonly oidc: OidcServer,
    readonly ci: CiIdentityIssuer,
    /** The client key for `private_key_jwt`, as a PEM and a JWK (with `kid`). */
    readonly clientKey: { privatePem: string; privateJwk: JsonWebKey },
    /** Every token issued with a machine grant, in order. */
    readonly acquisitions: readonly Acquisition[],
  ) {}

  static async start(options: { accessTokenTtl?: number } = {}): Promise<MachineGrantServer> {
    const ci = await CiIdentityIssuer.start();
    const key = keyPair();
    const acquisitions: Acquisition[] = [];
    const noRedirects = { redirect_uris: [], response_types: [] };
    const oidc = await OidcServer.start({
      ...(options.accessTokenTtl !== undefined && { accessTokenTtl: options.accessTokenTtl }),
      machine: {
        clients: [
          {
            client_id: SECRET_CLIENT.id,
            client_secret: SECRET_CLIENT.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['client_credentials'],
            ...noRedirects,
          },
          {
            client_id: KEY_CLIENT_ID,
            token_endpoint_auth_method: 'private_key_jwt',
            jwks: { keys: [key.publicJwk as never] },
            grant_types: ['client_credentials', TOKEN_EXCHANGE, JWT_BEARER],
            ...noRedirects,
          },
          {
            client_id: CI_CLIENT_ID,
            token_endpoint_auth_method: 'none',
            grant_types: [TOKEN_EXCHANGE, JWT_BEARER],
            ...noRedirects,
          },
          {
            client_id: UNTRUSTED_CLIENT.id,
            client_secret: UNTRUSTED_CLIENT.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: [TOKEN_EXCHANGE],
            ...noRedirects,
          },
        ],
        configure: (provider) => {
          provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
            const params = ctx.oidc.params as Record<string, unknown> | undefined;
            acquisitions.push({
              grantType: String(params?.grant_type),
              clientId: ctx.oidc.client?.clientId ?? '',
              ...(typeof ctx.state.subject === 'string' && { subject: ctx.state.subject }),
            });
          });
          const exchange =
            (parameter: 'subject_token' | 'assertion') => async (ctx: KoaContextWithOIDC) => {
              const { errors } = await import('oidc-provider');
              const params = ctx.oidc.params as Record<string, string | undefined>;
              if (ctx.oidc.client?.clientId === UNTRUSTED_CLIENT.id)
                throw new errors.UnauthorizedClient('this client may not exchange identity tokens');
              if (
                parameter === 'subject_token' &&
                !SUBJECT_TYPES.has(params.subject_token_type ?? '')
              )
                throw new errors.InvalidRequest('unsupported subject_token_type');
              if (params.audience !== undefined && params.audience !== GATEWAY_AUDIENCE)
                throw new errors.InvalidTarget(
                  'this gateway issues tokens only for its own audience',
                );
              let claims: CiClaims;
              try {
                claims = await verifyCiToken(params[parameter] ?? '', {
                  issuer: ci.issuer,
                  jwksUri: ci.jwksUri,
                  audience: CI_AUDIENCE,
                });
              } catch (error) {
                throw new errors.InvalidGrant(
                  `identity token refused: ${(error as Error).message}`,
                );
              }
              if (!claims.repository.startsWith(`${TRUSTED_ORG}/`))
                throw new errors.InvalidGrant('this repository may not use the gateway');
              const client = ctx.oidc.client;
              if (client === undefined) throw new errors.InvalidClient('no client');
              const token = new provider.ClientCredentials({ client });
              const value = await token.save();
              ctx.state.subject = claims.sub;
              ctx.body = {
                access_token: value,
                token_type: 'Bearer',
                expires_in: token.expiration,
                ...(parameter === 'subject_token' && {
                  issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
                }),
              };
            };
          provider.registerGrantType(TOKEN_EXCHANGE, exchange('subject_token'), [
            'subject_token',
            'subject_token_type',
            'audience',
            'requested_token_type',
          ]);
          provider.registerGrantType(JWT_BEARER, exchange('assertion'), ['assertion', 'audience']);
        },
      },
    });
    return new MachineGrantServer(oidc, ci, key, acquisitions);
  }

  get issuer(): string {
    return this.oidc.issuer;
  }

  get tokenEndpoint(): string {
    return `${this.oidc.issuer}/token`;
  }

  async close(): Promise<void> {
    await Promise.all([this.oidc.close(), this.ci.close()]);
  }
}
