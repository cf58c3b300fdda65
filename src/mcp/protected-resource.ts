import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import type { OAuthFetch } from '../oauth/http-client.js';
import { isSecureEndpoint } from '../oauth/loopback.js';
import { type BearerChallenge, parseBearerChallenge } from './bearer-challenge.js';
import { canonicalServerUrl } from './mcp-credential-name.js';

/** What an MCP server says about its protection (RFC 9728), as claude-auth uses it. */
export interface ProtectedResource {
  /** The canonical URL of the MCP server (the login's key). */
  readonly serverUrl: string;
  /** RFC 9728 §2 `resource`: the identifier sent as RFC 8707 `resource`. */
  readonly resource: string;
  /** RFC 9728 §2 `authorization_servers`: issuers, the first one used. */
  readonly authorizationServers: readonly string[];
  /** The scopes to ask for: the 401's `scope`, else RFC 9728 `scopes_supported`, else none. */
  readonly scopes: readonly string[];
  /** Where the metadata was found. */
  readonly metadataUrl: string;
  /** The challenge of the unauthenticated request, when the server sent one. */
  readonly challenge: BearerChallenge | undefined;
}

/** The first request an MCP client sends (MCP lifecycle, "initialize"), to provoke the 401. */
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'claude-auth', version: '1' },
  },
});

function discoveryFailed(serverUrl: string, detail: string, cause?: unknown): AuthenticationError {
  return new AuthenticationError(
    AuthErrorCode.INVALID_RESPONSE,
    `The MCP server ${serverUrl} does not describe its OAuth protection (RFC 9728): ${detail}.`,
    {
      fix: 'check the server URL; a server that needs no login needs no claude-auth mcp login',
      ...(cause !== undefined && { cause }),
    },
  );
}

/**
 * RFC 9728 §3.1: the metadata URLs to try, in the MCP spec's order: the
 * `resource_metadata` of the 401's challenge, then the well-known URI with
 * the server's path inserted, then the one at the root.
 */
function metadataCandidates(server: URL, challenge: BearerChallenge | undefined): string[] {
  const path = server.pathname.replace(/\/+$/, '');
  const candidates = [
    ...(challenge?.resourceMetadata !== undefined ? [challenge.resourceMetadata] : []),
    ...(path !== '' ? [`${server.origin}/.well-known/oauth-protected-resource${path}`] : []),
    `${server.origin}/.well-known/oauth-protected-resource`,
  ];
  return [...new Set(candidates)];
}

/** How an MCP server answered an `initialize` (see {@link probeMcpServer}). */
export interface ServerAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The `Bearer` challenge of a 401 or 403, when it sent one. */
  readonly challenge: BearerChallenge | undefined;
}

/**
 * Sends an MCP server the first request an MCP client sends (`initialize`),
 * with or without a bearer token, and reads its answer: a 401 or 403 carries
 * the `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1).
 *
 * @param serverUrl - The canonical server URL.
 * @param fetch - The fetch to use.
 * @param accessToken - A token of the server's login, sent only to this server (RFC 6750 §2.1).
 * @throws {@link AuthenticationError} `TOKEN_ENDPOINT_ERROR` when the server cannot be reached.
 */
export async function probeMcpServer(
  serverUrl: string,
  fetch: OAuthFetch,
  accessToken?: string,
): Promise<ServerAnswer> {
  let response: Response;
  try {
    response = await fetch(serverUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(accessToken !== undefined && { authorization: `Bearer ${accessToken}` }),
      },
      body: INITIALIZE,
    });
  } catch (error) {
    throw new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      `The MCP server ${serverUrl} could not be reached: ${(error as Error).message}.`,
      { cause: error, fix: 'check the URL and the network or proxy (HTTPS_PROXY)' },
    );
  }
  // Only the status and the challenge matter; the body (an MCP session) is not read.
  await response.body?.cancel().catch(() => undefined);
  return {
    status: response.status,
    challenge:
      response.status === 401 || response.status === 403
        ? parseBearerChallenge(response.headers.get('www-authenticate'))
        : undefined,
  };
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? value
    : undefined;
}

/**
 * RFC 9728 §3.3 and the MCP spec: the metadata's `resource` must be the server
 * itself or a path prefix of it on the same origin; anything else is metadata
 * about another resource (a mix-up), refused.
 */
function coversServer(resource: string, serverUrl: string): boolean {
  let canonical: string;
  try {
    canonical = canonicalServerUrl(resource);
  } catch {
    return false;
  }
  return (
    canonical === serverUrl ||
    (new URL(canonical).origin === new URL(serverUrl).origin &&
      serverUrl.startsWith(canonical.endsWith('/') ? canonical : `${canonical}/`))
  );
}

async function fetchMetadata(
  url: string,
  fetch: OAuthFetch,
): Promise<Record<string, unknown> | undefined> {
  if (!URL.canParse(url) || !isSecureEndpoint(new URL(url))) return undefined;
  const response = await fetch(url, { method: 'GET', headers: { accept: 'application/json' } });
  if (response.status !== 200) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/**
 * Finds out how an MCP server is protected: sends it an unauthenticated
 * `initialize`, reads the `WWW-Authenticate` challenge (RFC 9728 §5.1:
 * `resource_metadata`, RFC 6750 §3: `scope`), then fetches the protected
 * resource metadata from the challenge's URL or the well-known locations
 * (path-inserted, then root).
 *
 * @param serverUrl - The MCP server's URL.
 * @param fetch - The fetch to use.
 * @returns The server's resource, authorization servers and scopes.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for a bad URL;
 *   `TOKEN_ENDPOINT_ERROR` when the server cannot be reached; `INVALID_RESPONSE`
 *   when no metadata is found or it names another resource or no authorization server.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
export async function discoverProtectedResource(
  serverUrl: string,
  fetch: OAuthFetch,
): Promise<ProtectedResource> {
  const canonical = canonicalServerUrl(serverUrl);
  const { challenge } = await probeMcpServer(canonical, fetch);
  const tried: string[] = [];
  for (const candidate of metadataCandidates(new URL(canonical), challenge)) {
    tried.push(candidate);
    const metadata = await fetchMetadata(candidate, fetch).catch(() => undefined);
    if (metadata === undefined) continue;
    const resource = metadata.resource;
    if (typeof resource !== 'string' || !coversServer(resource, canonical))
      throw discoveryFailed(
        canonical,
        `its metadata at ${candidate} is for another resource (${String(resource).slice(0, 200)})`,
      );
    const authorizationServers = stringArray(metadata.authorization_servers) ?? [];
    if (authorizationServers.length === 0)
      throw discoveryFailed(
        canonical,
        `its metadata at ${candidate} names no authorization server`,
      );
    return {
      serverUrl: canonical,
      resource,
      authorizationServers,
      scopes: challenge?.scope ?? stringArray(metadata.scopes_supported) ?? [],
      metadataUrl: candidate,
      challenge,
    };
  }
  throw discoveryFailed(canonical, `no metadata at ${tried.join(', ')}`);
}
