import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { redactSecrets } from '../errors/redact.js';
import { findSubscriptionToken, SUBSCRIPTION_TOKEN_PATTERN } from './subscription-token.js';
import { stripTerminalCodes } from './terminal-text.js';

/** Wide enough that the ~108-character token is never wrapped in the rendered screen. */
const PTY_COLUMNS = 240;
const PTY_ROWS = 60;
const CTRL_C = '\u0003';
/** The longest a token can be; held back from the user's screen until its end is seen. */
const TOKEN_HOLD_BACK = 200;
/** How the token is shown to the user instead of itself. */
const TOKEN_PLACEHOLDER = 'sk-ant-oat01-… (captured and stored by claude-auth)';

/** Options for {@link runSetupToken}. */
export interface SetupTokenOptions {
  /** The Claude Code binary. */
  binary: string;
  /** Claude Code's environment (the user's, normally). */
  env: Record<string, string>;
  /** The user's keystrokes (default stdin, in raw mode when it is a terminal). */
  input?: NodeJS.ReadableStream;
  /** Where the official prompts are shown (default stdout). */
  output?: NodeJS.WritableStream;
  /** Cancels the login. */
  signal?: AbortSignal;
  /**
   * How long the whole login may take, the official CLI included: when it is
   * over, the CLI is killed and `LOGIN_TIMEOUT` thrown. Default: no limit.
   */
  timeoutMs?: number;
}

const TOKEN_MARK = 'sk-ant-oat01-';
/** How the CLI reports a failed sign-in before offering to retry. */
const FAILURE_LINE = /((?:OAuth error|Login failed|Authentication failed)[^\r\n]*)[\r\n]/i;

/** Where a possible beginning of {@link TOKEN_MARK} starts at the end of `text` (its length if none). */
function partialMarkStart(text: string): number {
  for (let size = Math.min(TOKEN_MARK.length - 1, text.length); size > 0; size--) {
    if (TOKEN_MARK.startsWith(text.slice(-size))) return text.length - size;
  }
  return text.length;
}

/**
 * Copies the CLI's screen output to the user with every subscription token
 * replaced: the official prompts stay visible, the secret does not reach the
 * terminal's scrollback. A possible token start is held back until its end arrives.
 */
export class TokenHidingWriter {
  #pending = '';
  constructor(readonly output: NodeJS.WritableStream) {}

  write(chunk: string): void {
    this.#pending += chunk;
    const pattern = new RegExp(`${SUBSCRIPTION_TOKEN_PATTERN.source}(?=[^A-Za-z0-9_-])`, 'g');
    this.#pending = this.#pending.replace(pattern, TOKEN_PLACEHOLDER);
    const start = this.#pending.lastIndexOf(TOKEN_MARK);
    const hold =
      start >= 0 && this.#pending.length - start < TOKEN_HOLD_BACK
        ? start
        : partialMarkStart(this.#pending);
    this.output.write(this.#pending.slice(0, hold));
    this.#pending = this.#pending.slice(hold);
  }

  flush(): void {
    this.output.write(redactSecrets(this.#pending));
    this.#pending = '';
  }
}

type Pty = typeof import('@lydell/node-pty');
type Terminal = import('@xterm/headless').Terminal;

async function loadTerminalParts(): Promise<{
  pty: Pty;
  Terminal: new (options: object) => Terminal;
}> {
  try {
    const [pty, xterm] = await Promise.all([import('@lydell/node-pty'), import('@xterm/headless')]);
    return { pty, Terminal: (xterm.default ?? xterm).Terminal };
  } catch (error) {
    throw new AuthenticationError(
      AuthErrorCode.CLI_LOGIN_FAILED,
      'No pseudo-terminal is available on this platform to drive `claude setup-token`.',
      {
        cause: error,
        fix: 'run `claude setup-token` yourself, then `claude-auth login --with-token` and paste the token',
      },
    );
  }
}

/** The screen as the user saw it, line by line, from the headless terminal. */
function screenText(terminal: Terminal): string[] {
  const lines: string[] = [];
  const buffer = terminal.buffer.active;
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    // A wrapped line continues the previous one.
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += line.translateToString(true);
    else lines.push(line.translateToString(true));
  }
  return lines;
}

/**
 * Runs the official `claude setup-token` in a pseudo-terminal (it needs one:
 * without a TTY it completes the exchange and then hangs, losing the token).
 * The user sees the official prompts and can type into them (a pasted code,
 * Ctrl-C); the screen is rendered by a headless terminal and the token read
 * from it. claude-auth itself talks to no Anthropic endpoint.
 *
 * @param options - See {@link SetupTokenOptions}.
 * @returns The subscription token the CLI printed.
 * @throws {@link AuthenticationError} `LOGIN_ABORTED` (Ctrl-C or the signal),
 *   `LOGIN_TIMEOUT` (after `timeoutMs`, the CLI killed),
 *   `CLI_LOGIN_FAILED` with the CLI's last lines, secrets redacted.
 */
export async function runSetupToken(options: SetupTokenOptions): Promise<string> {
  const { pty, Terminal } = await loadTerminalParts();
  options.signal?.throwIfAborted();
  const input = options.input ?? process.stdin;
  const screen = new TokenHidingWriter(options.output ?? process.stdout);
  const terminal = new Terminal({
    cols: PTY_COLUMNS,
    rows: PTY_ROWS,
    scrollback: 5000,
    allowProposedApi: true,
  });
  const child = pty.spawn(options.binary, ['setup-token'], {
    name: 'xterm-256color',
    cols: PTY_COLUMNS,
    rows: PTY_ROWS,
    env: { TERM: 'xterm-256color', ...options.env },
  });
  let userAborted = false;
  let timedOut = false;
  let failure: string | undefined;
  let plain = '';
  const forward = (data: Buffer | string) => {
    const text = data.toString();
    // The CLI asks for a second Ctrl-C; the user asked claude-auth to stop, so it stops.
    if (text.includes(CTRL_C)) {
      userAborted = true;
      child.kill();
      return;
    }
    child.write(text);
  };
  const rawInput = input as NodeJS.ReadStream;
  const wasRaw = rawInput.isTTY === true ? rawInput.isRaw : undefined;
  if (wasRaw !== undefined) rawInput.setRawMode(true);
  input.on('data', forward);
  input.resume();
  const onAbort = () => {
    userAborted = true;
    child.kill();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // The CLI waits for a sign-in that may never come (no browser, stdin at EOF): the deadline ends it.
  const deadline =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill();
        }, options.timeoutMs);
  const rendered: Promise<void>[] = [];
  child.onData((data) => {
    screen.write(data);
    rendered.push(new Promise((resolve) => terminal.write(data, resolve)));
    // A failed exchange leaves the CLI waiting for "Enter to retry": end it and report the error.
    plain = (plain + stripTerminalCodes(data)).slice(-4000);
    const error = failure === undefined ? FAILURE_LINE.exec(plain)?.[1] : undefined;
    if (error !== undefined) {
      failure = error.trim();
      child.kill();
    }
  });
  const exitCode = await new Promise<number>((resolve) =>
    child.onExit(({ exitCode: code }) => resolve(code)),
  );
  options.signal?.removeEventListener('abort', onAbort);
  clearTimeout(deadline);
  input.off('data', forward);
  input.pause();
  if (wasRaw !== undefined) rawInput.setRawMode(wasRaw);
  await Promise.all(rendered);
  screen.flush();
  const lines = screenText(terminal);
  terminal.dispose();
  const token = (() => {
    try {
      return findSubscriptionToken(lines.join('\n'));
    } catch {
      return undefined;
    }
  })();
  if (token !== undefined && exitCode === 0 && failure === undefined) return token;
  if (timedOut)
    throw new AuthenticationError(
      AuthErrorCode.LOGIN_TIMEOUT,
      `\`claude setup-token\` did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s; it was stopped and nothing was stored.`,
      {
        fix: 'claude-auth login --timeout 600   # or run `claude setup-token` yourself, then `claude-auth login --with-token`',
      },
    );
  if (userAborted)
    throw new AuthenticationError(
      AuthErrorCode.LOGIN_ABORTED,
      'The login was cancelled; nothing was stored.',
    );
  const tail =
    failure ??
    lines
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(-6)
      .join(' | ');
  const outcome =
    failure !== undefined
      ? 'failed'
      : exitCode === 0
        ? 'printed no token'
        : `failed (exit ${exitCode})`;
  throw new AuthenticationError(
    AuthErrorCode.CLI_LOGIN_FAILED,
    `\`claude setup-token\` ${outcome}: ${tail || 'no output'}`,
    {
      fix: 'run `claude setup-token` yourself to see what it says, then `claude-auth login --with-token`',
      secrets: [token],
    },
  );
}
