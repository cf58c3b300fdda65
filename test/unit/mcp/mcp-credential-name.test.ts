import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { canonicalServerUrl, mcpCredentialName } from '../../../src/mcp/mcp-credential-name.js';

describe('MCP login keys', () => {
  it('canonicalises the server URL: case of scheme and host, trailing slash, fragment', () => {
    expect(canonicalServerUrl('HTTPS://MCP.Example.com/mcp/#x')).toBe(
      'https://mcp.example.com/mcp',
    );
    expect(canonicalServerUrl('https://mcp.example.com/')).toBe('https://mcp.example.com');
    expect(canonicalServerUrl('https://mcp.example.com/mcp?tenant=a')).toBe(
      'https://mcp.example.com/mcp?tenant=a',
    );
  });

  it('refuses a plain-http server off this machine, and a non-URL', () => {
    expect(() => canonicalServerUrl('http://mcp.example.com/mcp')).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
    expect(() => canonicalServerUrl('docs')).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
  });

  it('gives one key per canonical server and different keys for different servers', () => {
    expect(mcpCredentialName('https://a.example/mcp/')).toEqual(
      mcpCredentialName('https://A.example/mcp'),
    );
    expect(mcpCredentialName('https://a.example/mcp').key).not.toBe(
      mcpCredentialName('https://a.example/other').key,
    );
  });

  it('keeps the key logins were stored under before: base64url of the SHA-256 of the canonical URL', () => {
    // The hash is claude-auth's own now (start-up); a login stored with node:crypto's must still be found.
    for (const url of [
      'https://a.example/mcp',
      'http://127.0.0.1:8080/mcp?x=é',
      'https://b.example',
    ]) {
      const canonical = canonicalServerUrl(url);
      const expected = createHash('sha256').update(canonical).digest('base64url').slice(0, 32);
      expect(mcpCredentialName(url).key).toBe(expected);
    }
  });
});
