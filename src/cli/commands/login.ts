import { TokenHidingWriter } from '../../claude-code/setup-token.js';
import { AuthErrorCode, AuthenticationError } from '../../errors/authentication-error.js';
import { login } from '../../login/login.js';
import { OAuthConfig } from '../../oauth/oauth-config.js';
import { TokenStorage } from '../../storage/token-storage.js';
import type { MachineGrantType } from '../../token/auth-token.js';
import { activeProfile } from '../shared/active-profile.js';
import { type CliIO, palette, readAll, startSpinner } from '../shared/cli-io.js';
import {
  booleanFlag,
  type Command,
  type Flags,
  secondsFlag,
  UsageError,
} from '../shared/command.js';
import { ExitCode } from '../shared/exit-codes.js';
import { relativeTime } from '../shared/profile-report.js';
import { type StoreChoice, storeChoice } from '../shared/store-choice.js';

/**
 * Reads `--with-token`'s input. Piped from `claude setup-token`, it is the
 * official CLI's whole screen, which would otherwise reach no terminal: once a
 * control sequence shows it is one, it is echoed to stderr as it arrives,
 * with the token hidden, so the sign-in link and prompts stay visible.
 */
async function readScreenOrToken(io: CliIO): Promise<string> {
  const screen = new TokenHidingWriter(io.stderr);
  let echoing = false;
  let held = '';
  const text = await readAll(io.stdin, (chunk) => {
    if (!echoing) {
      held += chunk;
      if (!held.includes('\u001b')) return;
      echoing = true;
      chunk = held;
    }
    screen.write(chunk);
  });
  if (echoing) screen.flush();
  return text;
}

/** The machine grant a flag selects (`--client-credentials`, `--token-exchange`, `--jwt-bearer`), if one. */
function machineGrantFlag(flags: Flags): MachineGrantType | undefined {
  const chosen = MACHINE_GRANT_FLAGS.filter(([flag]) => flags[flag] === true);
  if (chosen.length > 1)
    throw new UsageError(`choose one of ${chosen.map(([flag]) => `--${flag}`).join(', ')}`);
  return chosen[0]?.[1];
}

const MACHINE_GRANT_FLAGS: readonly (readonly [string, MachineGrantType])[] = [
  ['client-credentials', 'client_credentials'],
  ['token-exchange', 'token-exchange'],
  ['jwt-bearer', 'jwt-bearer'],
];

/** How `claude-auth login` obtains the credential. */
export type LoginMethod =
  /** `--with-token`: a subscription token (or `claude setup-token`'s whole screen) on stdin. */
  | 'with-token'
  /** `--from-env`: the token in `CLAUDE_CODE_OAUTH_TOKEN`. */
  | 'from-env'
  /** The official `claude setup-token` (no OAuth provider configured). */
  | 'subscription'
  /** The OAuth provider `CLAUDE_OAUTH_*` configures. */
  | 'provider'
  /** A machine grant (`--client-credentials`, `--token-exchange`, `--jwt-bearer`): no person involved. */
  | 'machine-grant';

/** `claude-auth login`'s options, parsed from its flags and environment. */
export interface LoginCommandOptions {
  /** The profile the credential is stored into. */
  readonly profile: string;
  /** The store `--store` named, if any. */
  readonly store: StoreChoice;
  readonly method: LoginMethod;
  /** The grant, exactly when `method` is `machine-grant`. */
  readonly machineGrant?: MachineGrantType;
  /** The configured OAuth provider (`method` is `provider` exactly when there is one, unless a token is given). */
  readonly config: OAuthConfig | undefined;
  /** Device authorization (RFC 8628), `--device`. */
  readonly device: boolean;
  /** Print the URL instead of opening a browser, `--no-browser`. */
  readonly noBrowser: boolean;
  /** `--timeout`, in ms. */
  readonly timeoutMs?: number;
  /** Print the stored credential's details as JSON. */
  readonly json: boolean;
}

/**
 * Parses `claude-auth login`'s flags. A machine grant's flag wins, then
 * `--with-token` over `--from-env`, and either over a configured provider (as
 * they always have).
 *
 * @throws {@link UsageError} for `--device`/`--no-browser` without a provider, two machine grants, or a bad `--timeout`.
 * @throws {@link AuthenticationError} `CONFIG_INVALID` for `--provider` without one, or a malformed `CLAUDE_OAUTH_*`.
 */
export function parseLoginOptions(
  flags: Flags,
  _positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): LoginCommandOptions {
  const { profile } = activeProfile(flags, env);
  const machineGrant = machineGrantFlag(flags);
  const timeoutMs = secondsFlag(flags, 'timeout');
  const config = OAuthConfig.fromEnv(env);
  const device = booleanFlag(flags, 'device');
  const noBrowser = booleanFlag(flags, 'no-browser');
  if (booleanFlag(flags, 'provider') && config === undefined) {
    throw new AuthenticationError(
      AuthErrorCode.CONFIG_INVALID,
      'No OAuth provider is configured for --provider.',
      {
        fix: 'export CLAUDE_OAUTH_CLIENT_ID=… and CLAUDE_OAUTH_ISSUER=… (or the authorize and token URLs)',
      },
    );
  }
  if ((device || noBrowser) && config === undefined) {
    throw new UsageError(
      '--device and --no-browser apply to an OAuth provider; configure one with CLAUDE_OAUTH_* (see --help)',
    );
  }
  const method: LoginMethod =
    machineGrant !== undefined
      ? 'machine-grant'
      : booleanFlag(flags, 'with-token')
        ? 'with-token'
        : booleanFlag(flags, 'from-env')
          ? 'from-env'
          : config === undefined
            ? 'subscription'
            : 'provider';
  return {
    profile,
    store: storeChoice(flags),
    method,
    ...(machineGrant !== undefined && { machineGrant }),
    config,
    device,
    noBrowser,
    ...(timeoutMs !== undefined && { timeoutMs }),
    json: booleanFlag(flags, 'json'),
  };
}

/** Logs in by the parsed method and stores the credential in the profile. */
export async function runLogin(options: LoginCommandOptions, io: CliIO): Promise<ExitCode> {
  const { profile, config, timeoutMs } = options;
  const base = {
    env: io.env,
    profile,
    storage: TokenStorage.forProfile({ env: io.env, profile, ...options.store }),
  };
  let stopSpinner: () => void = () => undefined;
  const token = await (async () => {
    try {
      if (options.machineGrant !== undefined)
        return await login({ ...base, machineGrant: options.machineGrant });
      if (options.method === 'with-token')
        return await login({ ...base, withToken: await readScreenOrToken(io) });
      if (options.method === 'from-env') return await login({ ...base, importFromEnv: true });
      if (options.method === 'subscription' || config === undefined) {
        io.stderr.write(
          'Logging in with your Claude subscription through the official Claude Code CLI.\n',
        );
        return await login({
          ...base,
          ...(timeoutMs !== undefined && { timeoutMs }),
          claudeCli: { input: io.stdin, output: io.stderr },
        });
      }
      return await login({
        ...base,
        oauthConfig: config,
        device: options.device,
        noBrowser: options.noBrowser,
        ...(timeoutMs !== undefined && { timeoutMs }),
        flow: { input: io.stdin, output: io.stderr },
        onAuthorizationUrl: () => {
          stopSpinner = startSpinner(
            io.stderr,
            'Waiting for you to sign in in the browser… (Ctrl-C to cancel)',
          );
        },
      });
    } finally {
      stopSpinner();
    }
  })();
  const c = palette(io.stderr, io.env);
  const who = token.account?.email ?? token.account?.name ?? token.account?.subject;
  const expiry =
    token.expiresAt === null
      ? 'no expiry'
      : `valid until ${token.expiresAt.toISOString()} (${relativeTime(token.expiresAt.getTime() - Date.now())})`;
  const grant =
    token.grant === undefined ? '' : ` (${token.grant.type} grant, renewed without you)`;
  const kind =
    token.kind === 'oauth'
      ? `OAuth token from ${token.provider?.issuer ?? token.provider?.tokenEndpoint}${grant}`
      : 'Claude subscription token';
  io.stderr.write(
    `${c.green('✓')} Logged in to profile "${profile}"${who ? ` as ${who}` : ''}: ${kind}, ${expiry}.\n`,
  );
  if (options.json)
    io.stdout.write(`${JSON.stringify({ profile, credential: token.toJSON() }, null, 2)}\n`);
  return ExitCode.OK;
}

/** `claude-auth login`. */
export const loginCommand: Command<LoginCommandOptions> = {
  name: 'login',
  summary: 'Log in (Claude subscription, or your OAuth provider)',
  flags: {
    provider: { type: 'boolean' },
    device: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
    'with-token': { type: 'boolean' },
    'from-env': { type: 'boolean' },
    'client-credentials': { type: 'boolean' },
    'token-exchange': { type: 'boolean' },
    'jwt-bearer': { type: 'boolean' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Log in and store the credential in a profile.

Without an OAuth provider configured, this is a Claude Pro/Max login: the
official \`claude setup-token\` runs, you sign in in the browser as usual, and
the one-year token it prints is captured and stored (it is not shown).
With CLAUDE_OAUTH_* set (or --provider), it logs in to that provider instead.

Usage:
  claude-auth login [--profile NAME] [--provider] [--device | --no-browser] [--timeout SECONDS]
  claude-auth login [--profile NAME] --with-token < token-file
  claude-auth login [--profile NAME] --from-env
  claude-auth login [--profile NAME] --client-credentials | --token-exchange | --jwt-bearer

Options:
  -p, --profile NAME     Store into this profile (default: $CLAUDE_AUTH_PROFILE, the one
                         chosen with \`claude-auth profiles use\`, or "default")
      --provider         Use the OAuth provider configured by CLAUDE_OAUTH_* (required to be set)
      --device           Device authorization (RFC 8628): a code to enter on any device
      --no-browser       Do not open a browser: print the URL, paste the redirect URL back
      --with-token       Read a Claude subscription token (sk-ant-oat01-…) from stdin: the
                         token alone, or all that \`claude setup-token\` printed (exactly one token)
      --from-env         Store the token in CLAUDE_CODE_OAUTH_TOKEN
      --client-credentials  A machine login (RFC 6749 §4.4): the client's own credentials,
                         CLAUDE_OAUTH_CLIENT_SECRET or CLAUDE_OAUTH_CLIENT_ASSERTION_KEY_FILE
                         (private_key_jwt, PEM or JWK)
      --token-exchange   A machine login (RFC 8693): exchange the platform's identity token,
                         CLAUDE_OAUTH_SUBJECT_TOKEN_FILE (read again at every renewal) or
                         CLAUDE_OAUTH_SUBJECT_TOKEN; CLAUDE_OAUTH_SUBJECT_TOKEN_TYPE,
                         CLAUDE_OAUTH_AUDIENCE, CLAUDE_OAUTH_RESOURCE optional
      --jwt-bearer       As --token-exchange, for servers that take the identity token as a
                         JWT bearer assertion (RFC 7523 §2.1) instead
                         Machine logins store only where their secrets come from, and are
                         renewed with the same grant when due (no refresh token)
      --timeout SECONDS  Give up after this long, the official \`claude setup-token\`
                         included (default 300)
      --json             Print the stored credential's details (never its secrets) as JSON

Examples:
  claude-auth login
  claude-auth login --profile work --provider
  claude setup-token | claude-auth login --with-token
`,
  parse: parseLoginOptions,
  run: runLogin,
};
