import { describe, expect, it } from 'vitest';
import { parseBearerChallenge } from '../../../src/mcp/bearer-challenge.js';

describe('parseBearerChallenge (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('reads resource_metadata, scope and error, quoted or not', () => {
    expect(
      parseBearerChallenge(
        'Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", scope="files:read files:write", error=insufficient_scope',
      ),
    ).toEqual({
      resourceMetadata: 'https://mcp.example/.well-known/oauth-protected-resource/mcp',
      scope: ['files:read', 'files:write'],
      error: 'insufficient_scope',
    });
  });

  it('keeps to the Bearer challenge among others, and unescapes quoted pairs', () => {
    expect(
      parseBearerChallenge(
        'Basic realm="a, b", Bearer realm="x \\"y\\"", scope="s", DPoP algs="ES256"',
      ),
    ).toEqual({ scope: ['s'] });
    expect(parseBearerChallenge('bearer error="invalid_token"')).toEqual({
      error: 'invalid_token',
    });
  });

  it('is undefined without a Bearer challenge or header', () => {
    expect(parseBearerChallenge(null)).toBeUndefined();
    expect(parseBearerChallenge('Basic realm="x", scope="s"')).toBeUndefined();
  });
});
