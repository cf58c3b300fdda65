// Headers for your own HTTP calls to the Messages API, sent where the credential may go.
import { ClaudeAuth, credentialDestination } from 'claude-auth';

const credential = await new ClaudeAuth().resolveCredential();
// A gateway token goes to its gateway; a subscription token never follows an inherited ANTHROPIC_BASE_URL.
const baseUrl =
  credentialDestination(credential, { inherited: process.env }) ?? 'https://api.anthropic.com';
const response = await fetch(`${baseUrl}/v1/messages`, {
  method: 'POST',
  headers: {
    ...credential.toHeaders(), // x-api-key, or Bearer (+ the OAuth beta for subscriptions)
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
  },
  body: JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Hello' }],
  }),
});
console.log(response.status);
