import { TokenManager } from '../../refresh/token-manager.js';
import { TokenStorage } from '../../storage/token-storage.js';
import type { AuthToken } from '../../token/auth-token.js';
import type { CliIO } from '../cli-io.js';
import { type Command, type Flags, secondsFlag, stringFlag } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** Claude Code re-runs its apiKeyHelper every 5 minutes by default; a token must outlive that. */
const DEFAULT_MIN_TTL_MS = 60_000;

async function run(flags: Flags, _positionals: string[], io: CliIO) {
  const profile = stringFlag(flags, 'profile');
  const storage = TokenStorage.forProfile({
    env: io.env,
    ...(profile !== undefined && { profile }),
  });
  // The OAuth client loads only when a refresh is due: printing a fresh token must start fast.
  const refresh = async (token: AuthToken) =>
    (await import('../../oauth/provider-tokens.js')).refreshProviderToken(token);
  const manager = new TokenManager({ storage, refresh });
  const token = await manager.getValidToken({
    minTtlMs: secondsFlag(flags, 'min-ttl') ?? DEFAULT_MIN_TTL_MS,
  });
  io.stdout.write(`${token.accessToken}\n`);
  return ExitCode.OK;
}

/** `claude-auth token`. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Print a valid access token (for scripts and apiKeyHelper)',
  flags: { 'min-ttl': { type: 'string' } },
  help: `Print the profile's access token, refreshed first if it would expire
within --min-ttl. Only the token goes to stdout; messages go to stderr.

Usage:
  claude-auth token [--profile NAME] [--min-ttl SECONDS]

Options:
  -p, --profile NAME     The profile
      --min-ttl SECONDS  The token must stay valid this long (default 60)

Exit codes: 0 printed, 3 not logged in, 4 re-login required.

Examples:
  curl -H "Authorization: Bearer $(claude-auth token --profile work)" …
  # As Claude Code's apiKeyHelper (~/.claude/settings.json):
  { "apiKeyHelper": "claude-auth token --profile work" }
`,
  run,
};
