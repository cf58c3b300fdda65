import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  canonicalServerUrl,
  mcpCredentialName,
  openMcpStore,
} from '../../../src/mcp/mcp-credential-name.js';
import { listProfiles } from '../../../src/profile/profile-paths.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

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

  it('stores beside the profile, never as a profile: enumeration does not list it', async () => {
    const directory = await tempDir();
    const env = { CLAUDE_AUTH_DIR: directory };
    const store = openMcpStore({ serverUrl: 'https://a.example/mcp', env, profile: 'work' });
    await TokenStorage.fromStore(store).saveToken(oauthToken(60_000));
    expect(store.describe().location).toMatch(/\/mcp\.work\.[A-Za-z0-9_-]{32}\.json$/);
    expect(await listProfiles(directory)).toEqual([]);
    const profile = TokenStorage.forProfile({ env, profile: 'work' });
    expect(await profile.loadToken()).toBeNull();
  });
});
