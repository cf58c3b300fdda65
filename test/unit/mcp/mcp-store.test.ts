import { describe, expect, it } from 'vitest';
import { openMcpStore } from '../../../src/mcp/mcp-store.js';
import { listProfiles } from '../../../src/profile/profile-paths.js';
import { TokenStorage } from '../../../src/storage/token-storage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { oauthToken } from '../../helpers/tokens.js';

describe('openMcpStore', () => {
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
