import { helperToken, lazyProviderRefresh } from '../../refresh/helper-token.js';
import { TokenManager } from '../../refresh/token-manager.js';
import { TokenStorage } from '../../storage/token-storage.js';
import type { CliIO } from '../cli-io.js';
import { type Command, type Flags, secondsFlag, stringFlag } from '../command.js';
import { ExitCode } from '../exit-codes.js';

async function run(flags: Flags, _positionals: string[], io: CliIO) {
  const profile = stringFlag(flags, 'profile');
  const storage = TokenStorage.forProfile({
    env: io.env,
    ...(profile !== undefined && { profile }),
  });
  const manager = new TokenManager({ storage, refresh: lazyProviderRefresh });
  // Without --min-ttl the refresh policy decides: a token in its advisory window
  // (5 min before expiry, or half a shorter lifetime) is refreshed first, so that
  // Claude Code's apiKeyHelper cache (5 min) rarely outlives it.
  const token = await helperToken(manager, secondsFlag(flags, 'min-ttl'));
  io.stdout.write(`${token.accessToken}\n`);
  return ExitCode.OK;
}

/** `claude-auth token`. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Print a valid access token (for scripts and apiKeyHelper)',
  flags: { 'min-ttl': { type: 'string' } },
  help: `Print the profile's access token, refreshed first when it is due (or
would expire within --min-ttl). Only the token goes to stdout; messages go to stderr.

Usage:
  claude-auth token [--profile NAME] [--min-ttl SECONDS]

Options:
  -p, --profile NAME     The profile
      --min-ttl SECONDS  The token must stay valid this long (default: refreshed
                         within 5 min of expiry, or half a shorter lifetime)

Exit codes: 0 printed, 3 not logged in, 4 re-login required.

Examples:
  curl -H "Authorization: Bearer $(claude-auth token --profile work)" …
  # As Claude Code's apiKeyHelper (~/.claude/settings.json):
  { "apiKeyHelper": "claude-auth token --profile work" }
`,
  run,
};
