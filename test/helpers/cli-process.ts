import { BUILT_CLI, type CliRun, runBuiltCli } from '../../fixtures/built-cli.js';
import { knownSecrets } from './tokens.js';

/** The built CLI, as users run it. */
export const CLI = BUILT_CLI;

/**
 * Runs the built `claude-auth` in a child process with exactly `env` (plus
 * PATH), feeding `stdin` when given. Rejects if the output holds any secret
 * the test process made (see `knownSecrets`), unless the command is `token`.
 */
export async function runCliProcess(
  args: readonly string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<CliRun> {
  const run = await runBuiltCli(args, env, stdin);
  // Every CLI run of the suite doubles as a secret-hygiene check: only `token` may print one.
  const leaked =
    args[0] === 'token'
      ? []
      : [...knownSecrets].filter(
          (secret) => run.stdout.includes(secret) || run.stderr.includes(secret),
        );
  if (leaked.length > 0)
    throw new Error(`claude-auth ${args.join(' ')} printed ${leaked.length} secret(s)`);
  return run;
}
