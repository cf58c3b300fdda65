// Inspect the stored credential; `await using` closes the handler (the guide's `async with`).
import { ClaudeAuth } from 'claude-auth';

await using auth = new ClaudeAuth({ useOAuth: true });
const token = await auth.tokenStorage.loadToken();
if (token) {
  console.log(`Authenticated: ${!token.isExpired()}`);
  console.log(`Expires at: ${token.expiresAt?.toISOString() ?? 'never'}`);
}
for (const step of await auth.explain()) console.log(step.link, step.outcome);
