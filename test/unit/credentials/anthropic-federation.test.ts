import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeFederation,
  readAnthropicFederation,
} from '../../../src/credentials/anthropic-federation.js';
import { AuthErrorCode, AuthenticationError } from '../../../src/errors/authentication-error.js';
import { federatedJob, identityJwt } from '../../helpers/anthropic-federation.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** The error `readAnthropicFederation` throws for `env`, checked to never carry the identity token. */
async function refusal(env: NodeJS.ProcessEnv, token?: string): Promise<AuthenticationError> {
  const error = await readAnthropicFederation(env).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AuthenticationError);
  const refused = error as AuthenticationError;
  expect(refused.code).toBe(AuthErrorCode.CONFIG_INVALID);
  if (token !== undefined)
    expect(JSON.stringify({ ...refused.toJSON(), stack: refused.stack })).not.toContain(token);
  return refused;
}

describe('readAnthropicFederation: the federation the environment configures', () => {
  it('is none without a rule or an identity token (an organization ID alone is read by other tools too)', async () => {
    expect(await readAnthropicFederation({})).toBeUndefined();
    expect(
      await readAnthropicFederation({
        ANTHROPIC_ORGANIZATION_ID: 'org',
        ANTHROPIC_WORKSPACE_ID: 'w',
      }),
    ).toBeUndefined();
  });

  it('describes rule, organization, service account, workspace and the token file, never the token', async () => {
    const job = await federatedJob(await tempDir());
    const federation = await readAnthropicFederation({
      ...job.env,
      ANTHROPIC_WORKSPACE_ID: 'wrkspc_test',
    });
    expect(federation).toEqual({
      ruleId: 'fdrl_test_rule',
      organizationId: '00000000-0000-4000-8000-000000000001',
      serviceAccountId: 'svac_test_account',
      workspaceId: 'wrkspc_test',
      identityToken: { from: 'file', path: job.tokenFile },
    });
    const line = describeFederation(federation as NonNullable<typeof federation>);
    expect(line).toBe(
      `rule fdrl_test_rule, organization 00000000-0000-4000-8000-000000000001, service account svac_test_account, workspace wrkspc_test, identity token from file ${job.tokenFile}`,
    );
    expect(JSON.stringify(federation)).not.toContain(job.identityToken);
  });

  it('takes the token from ANTHROPIC_IDENTITY_TOKEN when no file is named, and names only the variable', async () => {
    const token = identityJwt();
    const federation = await readAnthropicFederation({
      ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_r',
      ANTHROPIC_ORGANIZATION_ID: 'org',
      ANTHROPIC_IDENTITY_TOKEN: token,
    });
    expect(federation?.identityToken).toEqual({
      from: 'variable',
      variable: 'ANTHROPIC_IDENTITY_TOKEN',
    });
    expect(JSON.stringify(federation)).not.toContain(token);
  });
});

describe('readAnthropicFederation: bad input is CONFIG_INVALID whose fix names the variable', () => {
  it('a rule without an organization', async () => {
    const job = await federatedJob(await tempDir());
    const error = await refusal({ ...job.env, ANTHROPIC_ORGANIZATION_ID: ' ' });
    expect(error.fix).toMatch(/^export ANTHROPIC_ORGANIZATION_ID=/);
  });

  it('an identity token without a rule', async () => {
    const job = await federatedJob(await tempDir());
    const error = await refusal({ ...job.env, ANTHROPIC_FEDERATION_RULE_ID: undefined });
    expect(error.fix).toMatch(/^export ANTHROPIC_FEDERATION_RULE_ID=/);
  });

  it('a rule without any identity token', async () => {
    const error = await refusal({
      ANTHROPIC_FEDERATION_RULE_ID: 'r',
      ANTHROPIC_ORGANIZATION_ID: 'o',
    });
    expect(error.fix).toMatch(/^export ANTHROPIC_IDENTITY_TOKEN_FILE=/);
  });

  it('a token file that does not exist (Claude Code would retry the exchange without end)', async () => {
    const job = await federatedJob(await tempDir());
    const missing = join(await tempDir(), 'absent');
    const error = await refusal({ ...job.env, ANTHROPIC_IDENTITY_TOKEN_FILE: missing });
    expect(error.message).toContain(`${missing}, which cannot be read (ENOENT)`);
    expect(error.fix).toMatch(/^point ANTHROPIC_IDENTITY_TOKEN_FILE at/);
  });

  it('a token file that is not a file (a directory where the platform did not write one)', async () => {
    const job = await federatedJob(await tempDir());
    const error = await refusal({ ...job.env, ANTHROPIC_IDENTITY_TOKEN_FILE: await tempDir() });
    expect(error.message).toContain('(EISDIR)');
  });

  it('an empty token file', async () => {
    const job = await federatedJob(await tempDir());
    await writeFile(job.tokenFile, ' \n');
    const error = await refusal(job.env);
    expect(error.message).toContain(`${job.tokenFile}, which is empty`);
    expect(error.fix).toContain(job.tokenFile);
  });

  it('an expired identity token, with when it expired and never the token', async () => {
    const now = Date.parse('2026-12-08T01:00:00Z');
    const token = identityJwt(60, now - 120_000);
    const job = await federatedJob(await tempDir(), token);
    const error = await readAnthropicFederation(job.env, now).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: AuthErrorCode.CONFIG_INVALID,
      summary: `The identity token in ${job.tokenFile} expired at 2026-12-08T00:59:00.000Z.`,
      fix: expect.stringContaining(`write a fresh identity token to ${job.tokenFile}`),
    });
    expect(JSON.stringify((error as AuthenticationError).toJSON())).not.toContain(token);
  });

  it('an ANTHROPIC_IDENTITY_TOKEN with a line break in it', async () => {
    const token = identityJwt();
    const error = await refusal(
      {
        ANTHROPIC_FEDERATION_RULE_ID: 'r',
        ANTHROPIC_ORGANIZATION_ID: 'o',
        ANTHROPIC_IDENTITY_TOKEN: `${token.slice(0, 20)}\n${token.slice(20)}`,
      },
      token.slice(20),
    );
    expect(error.message).toMatch(/^ANTHROPIC_IDENTITY_TOKEN contains spaces, line breaks/);
  });
});
