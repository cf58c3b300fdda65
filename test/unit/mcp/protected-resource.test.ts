import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { discoverProtectedResource } from '../../../src/mcp/protected-resource.js';
import type { OAuthFetch } from '../../../src/oauth/http-client.js';

const SERVER = 'https://mcp.example/tools/mcp';

/** A server answering by URL; anything else is a 404. Records the URLs asked for. */
function serving(routes: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetch: OAuthFetch = async (url) => {
    asked.push(url);
    return routes[url]?.() ?? new Response(null, { status: 404 });
  };
  return { fetch, asked };
}

const unauthorized = (challenge?: string) => () =>
  new Response(null, {
    status: 401,
    headers: challenge === undefined ? {} : { 'www-authenticate': challenge },
  });

const metadata = (body: Record<string, unknown>) => () => Response.json(body);

describe('discoverProtectedResource (RFC 9728)', () => {
  it("follows the 401's resource_metadata and takes its scope", async () => {
    const { fetch, asked } = serving({
      [SERVER]: unauthorized(
        'Bearer resource_metadata="https://mcp.example/meta", scope="read write"',
      ),
      'https://mcp.example/meta': metadata({
        resource: SERVER,
        authorization_servers: ['https://as.example'],
        scopes_supported: ['read', 'write', 'admin'],
      }),
    });
    expect(await discoverProtectedResource(SERVER, fetch)).toMatchObject({
      resource: SERVER,
      authorizationServers: ['https://as.example'],
      scopes: ['read', 'write'],
      metadataUrl: 'https://mcp.example/meta',
    });
    expect(asked).toEqual([SERVER, 'https://mcp.example/meta']);
  });

  it('tries the path-inserted well-known URI, then the root one; an origin-wide resource covers the server', async () => {
    const { fetch, asked } = serving({
      [SERVER]: unauthorized(),
      'https://mcp.example/.well-known/oauth-protected-resource': metadata({
        resource: 'https://mcp.example',
        authorization_servers: ['https://as.example'],
        scopes_supported: ['mcp'],
      }),
    });
    expect(await discoverProtectedResource(SERVER, fetch)).toMatchObject({
      resource: 'https://mcp.example',
      scopes: ['mcp'],
    });
    expect(asked).toEqual([
      SERVER,
      'https://mcp.example/.well-known/oauth-protected-resource/tools/mcp',
      'https://mcp.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('refuses metadata about another resource (a mix-up), or naming no authorization server', async () => {
    for (const body of [
      { resource: 'https://attacker.example/mcp', authorization_servers: ['https://as.example'] },
      { resource: 'https://mcp.example/other', authorization_servers: ['https://as.example'] },
      { resource: SERVER, authorization_servers: [] },
    ]) {
      const { fetch } = serving({
        [SERVER]: unauthorized('Bearer resource_metadata="https://mcp.example/meta"'),
        'https://mcp.example/meta': metadata(body),
      });
      await expect(discoverProtectedResource(SERVER, fetch)).rejects.toMatchObject({
        code: AuthErrorCode.INVALID_RESPONSE,
      });
    }
  });

  it('never fetches a plain-http metadata URL off this machine', async () => {
    const { fetch, asked } = serving({
      [SERVER]: unauthorized('Bearer resource_metadata="http://mcp.example/meta"'),
    });
    await expect(discoverProtectedResource(SERVER, fetch)).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_RESPONSE,
    });
    expect(asked).not.toContain('http://mcp.example/meta');
  });
});
