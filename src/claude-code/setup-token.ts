import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';
import { redactSecrets } from '../errors/redact.js';
import { afterDelay } from '../platform/timers.js';
import { findSubscriptionToken } from './subscription-token.js';
import { stripTerminalCodes } from './terminal-text.js';

/** Wide enough that the ~108-character token is never wrapped in the rendered screen. */
const PTY_COLUMNS = 240;
const PTY_ROWS = 60;
const CTRL_C = '\u0003';
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

const TOKEN_CHARACTER = /^[A-Za-z0-9_-]$/;
const TOKEN_RUN = /[A-Za-z0-9_-]{8,}/g;
/** Spaces and box borders around a token's line. */
const FRAME_CHARACTER = /^[ \t│┃|]$/;
const LINE_FRAME = /^[ \t│┃|]+|[ \t│┃|]+$/g;
const LINE_BREAK = /\r\n|\r|\n/;
/** A terminal control sequence (OSC, CSI or an escape pair). */
// biome-ignore lint/complexity/useRegexLiterals: as a literal it would hold control characters, which the linter forbids
const CONTROL_SEQUENCE = new RegExp(
  String.raw`\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b\[[0-9;?<>=]*[ -/]*[@-~]|\u001b[@-_]`,
  'g',
);
const LEADING_CONTROL_SEQUENCE = new RegExp(`^(?:${CONTROL_SEQUENCE.source})`);
/** The longest a token can be, its wrapped parts joined. */
const MAX_TOKEN_LENGTH = 200;
/** How long an unfinished control sequence is waited for. */
const MAX_CONTROL_SEQUENCE = 256;
/** How a fragment of a hidden token seen again is shown. */
const FRAGMENT_PLACEHOLDER = '…';
/** The shortest run of token characters recognised as a fragment of a hidden token. */
const FRAGMENT_LENGTH = 8;

/** Whether `run` and `secret` share a stretch of {@link FRAGMENT_LENGTH} characters. */
function sharesFragment(run: string, secret: string): boolean {
  for (let i = 0; i + FRAGMENT_LENGTH <= run.length; i++)
    if (secret.includes(run.slice(i, i + FRAGMENT_LENGTH))) return true;
  return false;
}

/** Where the run of token characters ending `text` starts (its length if none). */
function trailingRunStart(text: string): number {
  let start = text.length;
  while (start > 0 && TOKEN_CHARACTER.test(text[start - 1] ?? '')) start--;
  return start;
}

/**
 * Copies the CLI's screen output to the user with every subscription token
 * hidden: the official prompts stay visible, the secret does not reach the
 * terminal's scrollback. It works on the token's characters, not on a
 * pattern of the whole token, so that no part of it gets through however it
 * is drawn:
 *
 * - from `sk-ant-oat01-` on, every token character is hidden (colour codes
 *   inside the token and box borders around it pass) up to the end of the line;
 * - a terminal narrower than the token wraps it: each following line that
 *   holds token characters alone (inside box borders) is hidden too, so the
 *   rest of a line is held back until its end is seen;
 * - the hidden characters are remembered, and any later run of token
 *   characters sharing 8 of them (the token redrawn without its start, or a
 *   part of it) is hidden as well.
 *
 * A possible token start, and once a token was seen any trailing run of token
 * characters, is held back until what follows it arrives.
 */
export class TokenHidingWriter {
  #pending = '';
  /** Where in a token the text at `#pending`'s start is: outside, on its line, or at a line break after it. */
  #mode: 'outside' | 'token' | 'break' = 'outside';
  #current = '';
  readonly #secrets: string[] = [];
  constructor(readonly output: NodeJS.WritableStream) {}

  write(chunk: string): void {
    this.#pending += chunk;
    this.#process(false);
  }

  flush(): void {
    this.#process(true);
    this.#endToken();
    this.output.write(redactSecrets(this.#mask(this.#pending)));
    this.#pending = '';
  }

  /** The text with every run of token characters sharing a fragment of a hidden token replaced. */
  #mask(text: string): string {
    if (this.#secrets.length === 0) return text;
    return text.replace(TOKEN_RUN, (run) =>
      this.#secrets.some((secret) => sharesFragment(run, secret)) ? FRAGMENT_PLACEHOLDER : run,
    );
  }

  #endToken(): void {
    if (this.#mode !== 'outside' && this.#current.length > TOKEN_MARK.length)
      this.#secrets.push(this.#current);
    this.#mode = 'outside';
    this.#current = '';
  }

  #process(final: boolean): void {
    let out = '';
    let progressing = true;
    while (progressing && this.#pending.length > 0) {
      const text = this.#pending;
      if (this.#mode === 'outside') {
        const mark = text.indexOf(TOKEN_MARK);
        if (mark >= 0) {
          out += this.#mask(text.slice(0, mark)) + TOKEN_PLACEHOLDER;
          this.#pending = text.slice(mark + TOKEN_MARK.length);
          this.#mode = 'token';
          this.#current = TOKEN_MARK;
          continue;
        }
        const hold = final
          ? text.length
          : Math.min(
              partialMarkStart(text),
              this.#secrets.length > 0 ? trailingRunStart(text) : text.length,
            );
        out += this.#mask(text.slice(0, hold));
        this.#pending = text.slice(hold);
        progressing = false;
      } else if (this.#mode === 'token') {
        progressing = this.#consumeTokenLine(final, (shown) => {
          out += shown;
        });
      } else {
        progressing = this.#consumeBreak(final, (shown) => {
          out += shown;
        });
      }
    }
    if (out !== '') this.output.write(out);
  }

  /** On the token's line: hides its characters up to the line's end. */
  #consumeTokenLine(final: boolean, show: (text: string) => void): boolean {
    const text = this.#pending;
    let i = 0;
    while (i < text.length) {
      const rest = text.slice(i);
      const character = rest[0] ?? '';
      if (character === '\u001b') {
        const sequence = LEADING_CONTROL_SEQUENCE.exec(rest)?.[0];
        if (sequence !== undefined) {
          show(sequence);
          i += sequence.length;
          continue;
        }
        if (!final && rest.length < MAX_CONTROL_SEQUENCE && !LINE_BREAK.test(rest)) break;
      } else if (TOKEN_CHARACTER.test(character)) {
        this.#current += character;
        i++;
        continue;
      } else if (FRAME_CHARACTER.test(character)) {
        show(character);
        i++;
        continue;
      } else if (character === '\r' || character === '\n') {
        this.#pending = rest;
        this.#mode = 'break';
        return true;
      }
      // Anything else ends the token on its line.
      this.#pending = rest;
      this.#endToken();
      return true;
    }
    this.#pending = text.slice(i);
    return false;
  }

  /**
   * At a line break after a token's line: the next line, once whole, is
   * hidden when it holds token characters alone (the token wrapped);
   * otherwise the token is over.
   */
  #consumeBreak(final: boolean, show: (text: string) => void): boolean {
    const text = this.#pending;
    if (text === '\r' && !final) return false;
    const breakLength = text.startsWith('\r\n') ? 2 : 1;
    const after = text.slice(breakLength);
    const next = LINE_BREAK.exec(after);
    if (next === null && !final) return false;
    const line = next === null ? after : after.slice(0, next.index);
    const sequences = line.match(CONTROL_SEQUENCE) ?? [];
    const plain = line.replace(CONTROL_SEQUENCE, '').replace(LINE_FRAME, '');
    if (
      plain.length > 0 &&
      [...plain].every((character) => TOKEN_CHARACTER.test(character)) &&
      !plain.includes('sk-ant-') &&
      this.#current.length + plain.length <= MAX_TOKEN_LENGTH
    ) {
      show(text.slice(0, breakLength) + sequences.join(''));
      this.#current += plain;
      this.#pending = after.slice(line.length);
      return this.#pending.length > 0;
    }
    show(text.slice(0, breakLength));
    this.#pending = after;
    this.#endToken();
    return true;
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
  const cancelDeadline =
    options.timeoutMs === undefined
      ? undefined
      : afterDelay(options.timeoutMs, () => {
          timedOut = true;
          child.kill();
        });
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
  cancelDeadline?.();
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
