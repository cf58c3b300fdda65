// Log in and out from code (the CLI does the same).
import { login, logout, OAuthConfig } from 'claude-auth';

// Claude Pro/Max through the official Claude Code CLI:
const token = await login();
console.log(`Logged in until ${token.expiresAt?.toISOString()}`);

// Or your OAuth provider (browser, or `device: true` for a code to enter anywhere):
await login({
  profile: 'work',
  oauthConfig: new OAuthConfig({ clientId: 'cli', issuer: 'https://login.example.com' }),
});

const result = await logout({ profile: 'work' }); // local state first, then RFC 7009 revocation
console.log(result.revoked ? 'revoked' : (result.revokeAt ?? 'removed locally'));
