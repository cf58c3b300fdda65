// Flexible authentication: OAuth first, then the API key; and a custom provider.
import { authenticatedQuery, OAuthConfig } from 'claude-auth';

for await (const message of authenticatedQuery({
  prompt: 'Hello',
  useOAuth: true, // try OAuth first
  apiKey: process.env.FALLBACK_KEY ?? '', // then fall back to this key
})) {
  console.log(message);
}

// Your company's gateway in front of Claude, as an OAuth 2.0 / OIDC provider:
const config = new OAuthConfig({
  clientId: 'your-client-id',
  issuer: 'https://login.example.com', // endpoints come from discovery…
  // …or give them: authorizeUrl: 'https://…/authorize', tokenUrl: 'https://…/token',
  apiBaseUrl: 'https://claude-gateway.example.com',
});
for await (const message of authenticatedQuery({ prompt: 'Hello', oauthConfig: config })) {
  console.log(message);
}
