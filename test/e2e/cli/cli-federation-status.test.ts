import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FederatedJob, federatedJob } from '../../helpers/anthropic-federation.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

let env: Record<string, string>;
let job: FederatedJob;

beforeEach(async () => {
  const home = await tempDir('cli-home-');
  job = await federatedJob(home);
  env = {
    HOME: home,
    CLAUDE_AUTH_DIR: join(home, '.claude_code'),
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ...job.env,
  };
});

// Every run also fails if the identity token (its jti and signature are known secrets) is printed.
describe('claude-auth status in an Anthropic-federated job', () => {
  it('names the federation link with rule, organization, service account and the token file, never the token', async () => {
    const run = await runCliProcess(['status'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `→ Anthropic workload identity federation: used (anthropic-federation) — rule fdrl_test_rule, organization ${job.env.ANTHROPIC_ORGANIZATION_ID}, service account svac_test_account, identity token from file ${job.tokenFile}`,
    );
    expect(run.stdout).not.toContain(job.identityToken);
  });

  it('--json: answeredBy and the federation described in its chain step', async () => {
    const run = await runCliProcess(['status', '--json'], env);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.resolution.answeredBy).toBe('anthropic-federation');
    expect(document.resolution.chain).toContainEqual({
      link: 'anthropic-federation',
      outcome: 'used',
      detail: 'anthropic-federation',
      federation: {
        ruleId: 'fdrl_test_rule',
        organizationId: job.env.ANTHROPIC_ORGANIZATION_ID,
        serviceAccountId: 'svac_test_account',
        identityToken: { from: 'file', path: job.tokenFile },
      },
    });
  });

  it('a token file the platform has not written: the link is unusable and the fix names the variable', async () => {
    const missing = join(env.HOME as string, 'not-written');
    const run = await runCliProcess(['status'], { ...env, ANTHROPIC_IDENTITY_TOKEN_FILE: missing });
    expect(run.code).toBe(2); // CONFIG_INVALID, as every command reading the chain would fail
    expect(run.stdout).toContain(
      `✗ Anthropic workload identity federation: unusable: CONFIG_INVALID (ANTHROPIC_IDENTITY_TOKEN_FILE names ${missing}, which cannot be read (ENOENT)`,
    );
    expect(run.stdout).toMatch(
      /No credential is usable\. To fix: point ANTHROPIC_IDENTITY_TOKEN_FILE at/,
    );
  });
});
