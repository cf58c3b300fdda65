import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeSecret } from './tokens.js';

/** A job's identity token as a CI platform writes it: a JWT (unsigned here) with the GitHub Actions claims. */
export function identityJwt(expiresInS = 300, now = Date.now()): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(now / 1000);
  return [
    part({ alg: 'RS256', typ: 'JWT' }),
    part({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:example/app:ref:refs/heads/main',
      aud: 'https://api.anthropic.com',
      iat,
      exp: iat + expiresInS,
      jti: fakeSecret('identity-jti'),
    }),
    fakeSecret('identity-signature'),
  ].join('.');
}

/** An Anthropic workload identity federation configured as a CI job would: the token in a file. */
export interface FederatedJob {
  /** The federation variables (rule, organization, service account, identity token file). */
  readonly env: Record<string, string>;
  /** The identity token in the file. */
  readonly identityToken: string;
  readonly tokenFile: string;
}

/**
 * Writes a job's identity token into `dir` and returns the federation
 * variables that point Claude Code at it.
 *
 * @param dir - A private temporary directory.
 * @param identityToken - The token to write (default: a fresh JWT).
 */
export async function federatedJob(
  dir: string,
  identityToken = identityJwt(),
): Promise<FederatedJob> {
  const tokenFile = join(dir, 'identity-token');
  await writeFile(tokenFile, `${identityToken}\n`, { mode: 0o600 });
  return {
    identityToken,
    tokenFile,
    env: {
      ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_test_rule',
      ANTHROPIC_ORGANIZATION_ID: '00000000-0000-4000-8000-000000000001',
      ANTHROPIC_SERVICE_ACCOUNT_ID: 'svac_test_account',
      ANTHROPIC_IDENTITY_TOKEN_FILE: tokenFile,
    },
  };
}
