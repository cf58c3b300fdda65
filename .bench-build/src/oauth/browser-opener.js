import { spawn } from 'node:child_process';

function launch(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
/**
 * The commands in `$BROWSER`: a `:`-separated list, each a command with
 * optional arguments where `%s` stands for the URL (appended when absent).
 */
function browserCommands(value, url) {
  return value
    .split(':')
    .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
    .map((words) =>
      words.some((w) => w.includes('%s'))
        ? words.map((w) => w.replaceAll('%s', url))
        : [...words, url],
    );
}
/**
 * Whether no local browser can be shown: an SSH session, or Linux/BSD without
 * a display server.
 */
export function isHeadless(env, platform) {
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
export function systemBrowserOpener(env = process.env, platform = process.platform) {
  return async (url) => {
    if (env.BROWSER) {
      for (const [command, ...args] of browserCommands(env.BROWSER, url)) {
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
