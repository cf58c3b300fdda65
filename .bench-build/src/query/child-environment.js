import { CREDENTIAL_ENV_VARS } from '../auth/resolved-credential.js';
/**
 * The environment for Claude Code: `base` (normally `process.env`), then the
 * caller's `options.env` over it — the agent SDK would otherwise *replace* the
 * environment, losing `PATH` and `HOME` — then, with a credential, every
 * competing credential variable removed and the credential's own set.
 *
 * @param base - The starting environment.
 * @param overrides - The query's `options.env`.
 * @param credential - The credential to inject, if any.
 */
export function childEnvironment(base, overrides, credential) {
  const merged = { ...base, ...overrides };
  if (credential !== undefined) {
    for (const name of CREDENTIAL_ENV_VARS) delete merged[name];
    Object.assign(merged, credential.toEnv());
  }
  return Object.fromEntries(Object.entries(merged).filter((entry) => entry[1] !== undefined));
}
