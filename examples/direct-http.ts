// Headers for your own HTTP calls to the Messages API.
import { getAuthHeaders } from 'claude-auth';

const headers = await getAuthHeaders(); // x-api-key, or Bearer (+ the OAuth beta for subscriptions)
const response = await fetch(
  `${process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com'}/v1/messages`,
  {
    method: 'POST',
    headers: { ...headers, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello' }],
    }),
  },
);
console.log(response.status);
