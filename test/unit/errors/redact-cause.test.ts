import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactCause } from '../../../src/errors/redact-cause.js';

describe('redactCause', () => {
  it('keeps every link of the chain, its name, code and status, and drops bodies and responses', () => {
    const body = { access_token: 'opaque-access-1234', error: 'x' };
    const inner = Object.assign(new TypeError('bad body'), {
      code: 'OAUTH_INVALID_RESPONSE',
      status: 200,
      body,
      response: new Response(JSON.stringify(body)),
    });
    const outer = new Error('processing failed', { cause: inner });
    const copy = redactCause(outer) as Error & { cause: Record<string, unknown> };
    expect(copy.message).toBe('processing failed');
    expect(copy.cause).toMatchObject({
      name: 'TypeError',
      message: 'bad body',
      code: 'OAUTH_INVALID_RESPONSE',
      status: 200,
    });
    expect(copy.cause.body).toBeUndefined();
    expect(copy.cause.response).toBeUndefined();
    expect(inspect(copy, { depth: null, showHidden: true })).not.toContain('opaque-access-1234');
  });

  it('keeps only the RFC 6749 §5.2 fields of an error body, redacted', () => {
    expect(
      redactCause(
        {
          error: 'invalid_grant',
          error_description: 'token opaque-value-99 reused',
          id_token: 'x',
        },
        ['opaque-value-99'],
      ),
    ).toEqual({ error: 'invalid_grant', error_description: 'token [REDACTED] reused' });
  });

  it('redacts known secrets and token shapes from messages and stacks at every depth', () => {
    const deep = new Error('refresh_token=rt-abcdefgh1234 refused', {
      cause: new Error('echo opaque-secret-777'),
    });
    const shown = inspect(redactCause(new Error('top', { cause: deep }), ['opaque-secret-777']), {
      depth: null,
    });
    expect(shown).not.toContain('rt-abcdefgh1234');
    expect(shown).not.toContain('opaque-secret-777');
    expect(shown).toContain('refused');
  });

  it('ends a cyclic chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    expect(() => inspect(redactCause(a), { depth: null })).not.toThrow();
  });
});
