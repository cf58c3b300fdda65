// Claude Pro/Max: run `claude-auth login` once, then query with the stored token.
import { queryWithOAuth } from 'claude-auth';

for await (const message of queryWithOAuth({ prompt: 'Hello Claude!' })) {
  console.log(message);
}
