// API keys: from the environment (as before), or passed in code.
import { query, queryWithApiKey } from 'claude-auth';

// Still works with ANTHROPIC_API_KEY in the environment:
for await (const message of query({ prompt: 'Hello' })) console.log(message);

// Or explicitly (never hard-code a key: read it from wherever you keep secrets):
const apiKey = process.env.MY_ANTHROPIC_KEY ?? '';
for await (const message of queryWithApiKey({ prompt: 'Hello', apiKey })) console.log(message);
