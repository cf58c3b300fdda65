import {
  BASE_URL_VARIABLE,
  credentialDestination,
  SUBSCRIPTION_BASE_URL_VARIABLE,
} from '../auth/credential-destination.js';
import { CREDENTIAL_ENV_VARS, type ResolvedCredential } from '../auth/resolved-credential.js';

/**
 * The environment for Claude Code: `base` (normally `process.env`), then the
 * caller's `options.env` over it — the agent SDK would otherwise *replace* the
 * environment, losing `PATH` and `HOME` — then, with a credential, every
 * competing credential variable removed, the credential's own set, and
 * `ANTHROPIC_BASE_URL` set to where `credentialDestination` allows it to go
 * (absent: Anthropic's API).
 *
 * @param base - The starting (inherited) environment.
 * @param overrides - The query's `options.env`: what the call set explicitly.
 * @param credential - The credential to inject, if any.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` when the credential may not go anywhere the environment names.
 */
export function childEnvironment(
  base: NodeJS.ProcessEnv,
  overrides: Readonly<Record<string, string | undefined>> | undefined,
  credential?: ResolvedCredential,
): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...base, ...overrides };
  if (credential !== undefined) {
    const destination = credentialDestination(credential, { inherited: base, explicit: overrides });
    for (const name of CREDENTIAL_ENV_VARS) delete merged[name];
    delete merged[BASE_URL_VARIABLE];
    delete merged[SUBSCRIPTION_BASE_URL_VARIABLE];
    Object.assign(merged, credential.toEnv());
    if (destination !== undefined) merged[BASE_URL_VARIABLE] = destination;
  }
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
