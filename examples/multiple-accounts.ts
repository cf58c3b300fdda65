// One storage file per account; switch by choosing the storage (or a profile name).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClaudeAuth, queryWithOAuth, TokenStorage } from 'claude-auth';

const personalStorage = new TokenStorage(join(homedir(), '.claude_code', 'personal.json'));
const workStorage = new TokenStorage(join(homedir(), '.claude_code', 'work.json'));

await using personal = new ClaudeAuth({ tokenStorage: personalStorage });
console.log(
  await personal.getAuthHeaders().then(
    () => 'personal: ready',
    (e: Error) => e.message,
  ),
);
console.log((await workStorage.loadToken())?.account?.email ?? 'work: not logged in');

// The same files are the profiles "personal" and "work" (claude-auth login --profile work):
for await (const message of queryWithOAuth({ prompt: 'Hello', profile: 'work' }))
  console.log(message);
