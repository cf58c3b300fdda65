import type * as oauth from 'oauth4webapi';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { OAuthFetch } from '../oauth/http-client.js';
import { isSecureEndpoint } from '../oauth/loopback.js';
import type { ClientRegistration, TokenEndpointAuthMethod } from '../token/auth-token.js';

/** The environment variable holding a pre-registered client's secret (never a flag: argv is public). */
export const ENV_MCP_CLIENT_SECRET = 'CLAUDE_AUTH_MCP_CLIENT_SECRET';

/**
 * The redirect URI registered for claude-auth: loopback without a port, which
 * RFC 8252 §7.3 requires servers to match on any port (the login listens on a
 * free one).
 */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/callback';

/** The client a login uses, and how it was obtained. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  readonly registration: ClientRegistration;
}

/** What the user gave, if anything, for {@link registerClient}. */
export interface ClientChoice {
  /** A pre-registered client id (`--client-id`). */
  clientId?: string;
  /** Its secret (`CLAUDE_AUTH_MCP_CLIENT_SECRET` or `--client-secret-file`). */
  clientSecret?: string;
  /** An https URL serving this client's Client ID Metadata Document (`--client-metadata-url`). */
  metadataDocumentUrl?: string;
}

function registrationFailed(issuer: string, detail: string, cause?: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.TOKEN_ENDPOINT_ERROR,
    `Dynamic client registration at ${issuer} failed (RFC 7591): ${detail}.`,
    {
      fix: "register a client with the server's administrator, then: claude-auth mcp login NAME URL --client-id ID",
      ...(cause !== undefined && { cause }),
    },
  );
}

const AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'none'];

async function registerDynamically(
  as: oauth.AuthorizationServer,
  endpoint: string,
  fetch: OAuthFetch,
  redirectUri: string | undefined,
): Promise<RegisteredClient> {
  if (!URL.canParse(endpoint) || !isSecureEndpoint(new URL(endpoint)))
    throw registrationFailed(as.issuer, `its registration endpoint is not https`);
  const grants = [
    'authorization_code',
    'refresh_token',
    ...(as.device_authorization_endpoint !== undefined
      ? ['urn:ietf:params:oauth:grant-type:device_code']
      : []),
  ];
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_name: 'claude-auth',
        application_type: 'native',
        redirect_uris: [
          REGISTERED_REDIRECT_URI,
          ...(redirectUri !== undefined ? [redirectUri] : []),
        ],
        grant_types: grants,
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
  } catch (error) {
    throw registrationFailed(as.issuer, (error as Error).message, error);
  }
  const body = (await response.json().catch(() => undefined)) as
    | Record<string, unknown>
    | undefined;
  if (response.status !== 201 && response.status !== 200) {
    // RFC 7591 §3.2.2: only the error fields are echoed, never the body.
    const error = typeof body?.error === 'string' ? body.error.slice(0, 100) : undefined;
    throw registrationFailed(
      as.issuer,
      `HTTP ${response.status}${error === undefined ? '' : ` ${error}`}`,
    );
  }
  if (typeof body?.client_id !== 'string' || body.client_id === '')
    throw registrationFailed(as.issuer, 'the answer has no client_id');
  const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  const method =
    typeof body.token_endpoint_auth_method === 'string' &&
    AUTH_METHODS.includes(body.token_endpoint_auth_method)
      ? (body.token_endpoint_auth_method as TokenEndpointAuthMethod)
      : undefined;
  return {
    clientId: body.client_id,
    registration: 'dynamic',
    ...(secret !== undefined && { clientSecret: secret }),
    ...(secret !== undefined && method !== undefined && { tokenEndpointAuthMethod: method }),
  };
}

/**
 * Chooses the client of an MCP login in the MCP authorization spec's order:
 * a pre-registered client the user names; a Client ID Metadata Document URL
 * when the server advertises `client_id_metadata_document_supported`; RFC 7591
 * dynamic registration when it has a `registration_endpoint` (a public native
 * client, redirect on loopback); otherwise an error naming `--client-id`.
 *
 * @param as - The authorization server's metadata.
 * @param choice - What the user gave.
 * @param fetch - The fetch to use.
 * @param redirectUri - The login's exact loopback redirect URI, registered
 *   beside the port-less one for servers that match the port too (RFC 8252
 *   §7.3 says they must not; the MCP SDK's demo provider does).
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when no way is left;
 *   `TOKEN_ENDPOINT_ERROR` when the registration is refused.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export async function registerClient(
  as: oauth.AuthorizationServer,
  choice: ClientChoice,
  fetch: OAuthFetch,
  redirectUri?: string,
): Promise<RegisteredClient> {
  if (choice.clientId !== undefined)
    return {
      clientId: choice.clientId,
      registration: 'pre-registered',
      ...(choice.clientSecret !== undefined && { clientSecret: choice.clientSecret }),
    };
  if (
    choice.metadataDocumentUrl !== undefined &&
    (as as { client_id_metadata_document_supported?: unknown })
      .client_id_metadata_document_supported === true
  )
    return { clientId: choice.metadataDocumentUrl, registration: 'metadata-document' };
  if (typeof as.registration_endpoint === 'string')
    return registerDynamically(as, as.registration_endpoint, fetch, redirectUri);
  throw new AuthenticationError(
    AuthErrorCode.CONFIG_INVALID,
    `The authorization server ${as.issuer} offers no way for claude-auth to register itself (no registration endpoint${
      choice.metadataDocumentUrl === undefined ? '' : ', no Client ID Metadata Document support'
    }).`,
    {
      fix: "register a client with the server's administrator (redirect URI http://127.0.0.1/callback), then: claude-auth mcp login NAME URL --client-id ID",
    },
  );
}
