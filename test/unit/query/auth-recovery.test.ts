import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it, vi } from 'vitest';
import { ResolvedCredential } from '../../../src/credentials/resolved-credential.js';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { AuthRecovery } from '../../../src/query/auth-recovery.js';

const current = new ResolvedCredential({
  kind: 'oauth',
  source: 'profile',
  secret: 'old-token',
  apiBaseUrl: 'https://gateway.example',
});
const renewed = new ResolvedCredential({ kind: 'oauth', source: 'profile', secret: 'new-token' });

function retry(status: number): SDKMessage {
  return { type: 'system', subtype: 'api_retry', error_status: status } as unknown as SDKMessage;
}
function errorResult(status: number, result: string): SDKMessage {
  return {
    type: 'result',
    is_error: true,
    api_error_status: status,
    result,
  } as unknown as SDKMessage;
}

describe('AuthRecovery', () => {
  it('renews on the first 401 retry and hands the new credential over', async () => {
    const renew = vi.fn(async () => renewed);
    const step = await new AuthRecovery({ renew }).inspect(retry(401), current);
    expect(step).toEqual({ action: 'hand-over', credential: renewed });
    expect(renew).toHaveBeenCalledWith(current);
  });

  it('lets the 401 right after a hand-over through once (it may have carried the old credential), then ends: the renewed credential was refused too', async () => {
    const renew = vi.fn(async () => renewed);
    const recovery = new AuthRecovery({ renew });
    expect((await recovery.inspect(retry(401), current)).action).toBe('hand-over');
    expect(await recovery.inspect(retry(401), renewed)).toEqual({ action: 'continue' });
    const final = await recovery.inspect(retry(401), renewed);
    expect(final).toMatchObject({
      action: 'fail',
      error: { code: AuthErrorCode.API_AUTH_FAILED, status: 401 },
    });
    const error = final.action === 'fail' ? final.error : undefined;
    expect(error?.message).toContain('will not help');
    expect(error?.fix).not.toMatch(/^claude-auth login/);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('renews again after a 401 once a different credential is running (handed over by rotation)', async () => {
    const rotated = new ResolvedCredential({ kind: 'oauth', source: 'profile', secret: 'rotated' });
    const renew = vi.fn(async () => renewed);
    const recovery = new AuthRecovery({ renew });
    await recovery.inspect(retry(401), current);
    await recovery.inspect({ type: 'assistant' } as unknown as SDKMessage, renewed);
    expect((await recovery.inspect(retry(401), rotated)).action).toBe('hand-over');
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('ends at once with API_AUTH_FAILED when a 401 cannot be renewed, without the secret', async () => {
    const step = await new AuthRecovery({ renew: async () => undefined }).inspect(
      retry(401),
      current,
    );
    expect(step.action).toBe('fail');
    const error = step.action === 'fail' ? step.error : undefined;
    expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 401 });
    expect(error?.message).not.toContain('old-token');
  });

  it('ends with API_AUTH_FAILED carrying why the renewal failed, its fix and its cause, when renewing throws', async () => {
    const refusal = new AuthenticationError(
      AuthErrorCode.TOKEN_ENDPOINT_ERROR,
      'The provider refused.',
      {
        fix: 'check the client secret (CLAUDE_OAUTH_CLIENT_SECRET)',
      },
    );
    const step = await new AuthRecovery({
      renew: async () => {
        throw refusal;
      },
    }).inspect(retry(401), current);
    expect(step.action).toBe('fail');
    const error = step.action === 'fail' ? step.error : undefined;
    expect(error).toMatchObject({ code: AuthErrorCode.API_AUTH_FAILED, status: 401 });
    expect(error?.fix).toBe(refusal.fix);
    expect(error?.message).toContain(refusal.message);
    expect(error?.cause).toBe(refusal);
    expect(error?.message).not.toContain('old-token');
  });

  it('never renews on 403: a permission answer, reported with its status', async () => {
    const renew = vi.fn(async () => renewed);
    const recovery = new AuthRecovery({ renew });
    const retried = await recovery.inspect(retry(403), current);
    expect(retried).toMatchObject({ action: 'fail', error: { status: 403 } });
    expect(await recovery.inspect(errorResult(403, 'Forbidden'), current)).toEqual({
      action: 'continue',
    });
    expect(
      recovery.translate(new Error('Claude Code returned an error result'), current),
    ).toMatchObject({
      code: AuthErrorCode.API_AUTH_FAILED,
      status: 403,
      fix: expect.stringContaining('console'),
    });
    expect(renew).not.toHaveBeenCalled();
  });

  it('passes errors through unchanged when no authentication failure was reported', async () => {
    const recovery = new AuthRecovery(undefined);
    expect(await recovery.inspect(errorResult(529, 'Overloaded'), current)).toEqual({
      action: 'continue',
    });
    const error = new Error('overloaded');
    expect(recovery.translate(error, current)).toBe(error);
  });

  it('turns a reported 401 into API_AUTH_FAILED once the iterator throws', async () => {
    const recovery = new AuthRecovery(undefined);
    await recovery.inspect(errorResult(401, 'Invalid API key'), current);
    expect(recovery.translate(new Error('x'), current)).toMatchObject({
      code: AuthErrorCode.API_AUTH_FAILED,
      status: 401,
    });
  });
});
