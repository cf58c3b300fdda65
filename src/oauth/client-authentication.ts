import { type ProviderEndpoints, withOtherSecretMethod } from './provider-endpoints.js';

/** RFC 6749 §5.2 errors that say the server refused the client, not the grant. */
const CLIENT_REFUSALS: ReadonlySet<string> = new Set(['invalid_client', 'unauthorized_client']);

/**
 * Whether a response refuses the client's authentication: an RFC 6749 §5.2
 * `invalid_client` or `unauthorized_client`, or a 401 with an HTTP
 * authentication challenge and no readable error.
 */
async function refusesClient(response: Response): Promise<boolean> {
  if (response.ok) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    if (typeof body.error === 'string') return CLIENT_REFUSALS.has(body.error);
  } catch {
    // Not an OAuth error body: only a challenge can still say it.
  }
  return response.status === 401 && response.headers.has('www-authenticate');
}

/** A response and the endpoints (with the client authentication) that produced it. */
export interface AuthenticatedResponse {
  readonly response: Response;
  /** Store these with the login: their method is the one the server answered. */
  readonly endpoints: ProviderEndpoints;
}

/**
 * Sends a request that authenticates the client; when the server refuses that
 * authentication, sends it once more with the other client-secret method
 * (`client_secret_basic` ↔ `client_secret_post`). Servers that enforce the
 * method a client was registered with refuse the other one, and neither the
 * client id nor a metadata list that names both tells which it was; the
 * server's answer does. A refused client is refused before any grant is
 * looked at (RFC 6749 §3.2.1), so the retry does not replay a used code.
 *
 * @param endpoints - The endpoints to send with.
 * @param send - Sends the request with the given endpoints' `clientAuth`.
 * @returns The last response, and the endpoints whose method produced it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function sendWithClientAuthentication(
  endpoints: ProviderEndpoints,
  send: (endpoints: ProviderEndpoints) => Promise<Response>,
): Promise<AuthenticatedResponse> {
  const response = await send(endpoints);
  const other = withOtherSecretMethod(endpoints);
  if (other === undefined || !(await refusesClient(response))) return { response, endpoints };
  await response.body?.cancel();
  return { response: await send(other), endpoints: other };
}
