import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

/**
 * Opens a URL in the user's browser.
 *
 * @returns Whether a browser was launched; `false` means the caller should
 *   print the URL and let the user paste the result.
 */
export type BrowserOpener = (url: string) => Promise<boolean>;

function launch(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/** Splits a command line into words: whitespace separates, quotes group, a backslash escapes (not on Windows). */
function splitWords(line: string, platform: NodeJS.Platform): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && platform !== 'win32' && i + 1 < line.length)
        word = (word ?? '') + line[++i];
      else word = (word ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '\\' && platform !== 'win32' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Parses `$BROWSER` as xdg-open and Python's `webbrowser` do: a list of
 * commands separated by the platform's path delimiter (`:`, or `;` on
 * Windows, where `:` follows a drive letter), tried in order. An entry that
 * names an existing file is that one command, spaces and all; any other entry
 * is split into words (quotes group them). `%s` in a word stands for the URL;
 * without one, the URL is appended as the last argument.
 *
 * @param value - The value of `$BROWSER`.
 * @param url - The URL to open.
 * @param platform - Decides the list separator and whether a backslash escapes.
 * @param isFile - Whether a path names an existing file (default: a `stat` of it).
 * @returns Each command as `[program, ...args]`, in the order to try them.
 */
export function browserCommands(
  value: string,
  url: string,
  platform: NodeJS.Platform,
  isFile: (path: string) => boolean = existingFile,
): string[][] {
  return value
    .split(platform === 'win32' ? ';' : ':')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => (isFile(entry) ? [entry] : splitWords(entry, platform)))
    .filter((words) => words.length > 0)
    .map((words) =>
      words.some((w) => w.includes('%s'))
        ? words.map((w) => w.replaceAll('%s', url))
        : [...words, url],
    );
}

function existingFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether no local browser can be shown: an SSH session, or Linux/BSD without
 * a display server.
 */
export function isHeadless(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (env.SSH_CONNECTION || env.SSH_TTY) return true;
  if (platform === 'darwin' || platform === 'win32') return false;
  return !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

/**
 * The default opener: `$BROWSER` when set (its commands are tried in order),
 * else the platform's opener (`open`, `xdg-open`, or the Windows URL handler),
 * unless the session is headless. The URL goes on the opener's command line;
 * it carries no secret (PKCE keeps the verifier here, RFC 7636 §4.1).
 *
 * @param env - The environment to read `BROWSER`, `DISPLAY` and SSH variables from.
 * @param platform - The platform whose opener to use.
 */
export function systemBrowserOpener(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): BrowserOpener {
  return async (url) => {
    if (env.BROWSER) {
      for (const [command, ...args] of browserCommands(env.BROWSER, url, platform)) {
        if (command !== undefined && (await launch(command, args))) return true;
      }
      return false;
    }
    if (isHeadless(env, platform)) return false;
    if (platform === 'darwin') return launch('open', [url]);
    if (platform === 'win32') return launch('rundll32', ['url.dll,FileProtocolHandler', url]);
    return launch('xdg-open', [url]);
  };
}
