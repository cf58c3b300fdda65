import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A real Secret Service: gnome-keyring-daemon on a private D-Bus session bus. */
export interface SecretServiceSession {
  /** The environment a client needs: the session bus, and a private HOME. */
  readonly env: NodeJS.ProcessEnv;
  /** The private HOME holding the keyring files. */
  readonly home: string;
  /** The daemon's pid (to freeze it with SIGSTOP). */
  readonly daemonPid: number;
  /** Freezes the daemon (SIGSTOP): it keeps its bus name but never answers. */
  freeze(): void;
  /** Lets a frozen daemon run again. */
  thaw(): void;
  /** Runs `secret-tool` against this session. */
  secretTool(args: readonly string[], stdin?: string): Promise<string>;
  /** Stops the daemon and its bus. */
  stop(): Promise<void>;
}

/** Options of {@link startSecretService}. */
export interface SecretServiceOptions {
  /** The HOME to keep the keyrings in (reuse one to find a keyring made earlier); default a new temp dir. */
  home?: string;
  /** The password given on stdin to unlock (and, the first time, create) the login keyring. */
  password?: string;
}

/**
 * Starts gnome-keyring-daemon (secrets component, in the foreground so its pid
 * is known) under `dbus-run-session`, unlocked with a password on stdin, and
 * waits until it has announced itself. Debian packages: dbus, gnome-keyring,
 * libsecret-tools.
 */
export async function startSecretService(
  options: SecretServiceOptions = {},
): Promise<SecretServiceSession> {
  const ownHome = options.home === undefined;
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'claude-auth-keyring-')));
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
  };
  // The shell prints the bus address and its own pid, then becomes the daemon (exec keeps the pid).
  const script =
    'echo "bus=$DBUS_SESSION_BUS_ADDRESS"; echo "pid=$$"; exec gnome-keyring-daemon --foreground --unlock --components=secrets';
  const session: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: base,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  session.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  session.stdin?.end(options.password ?? 'test-keyring-password');
  const lines = createInterface({ input: session.stdout as NodeJS.ReadableStream });
  let bus = '';
  let pid = 0;
  await new Promise<void>((resolve, reject) => {
    session.once('exit', (code) =>
      reject(new Error(`dbus-run-session exited (${code}) before the daemon started: ${stderr}`)),
    );
    lines.on('line', (line) => {
      if (line.startsWith('bus=')) bus = line.slice(4);
      else if (line.startsWith('pid=')) pid = Number(line.slice(4));
      // The daemon prints its control socket once it serves the bus (only when
      // XDG_RUNTIME_DIR is unset; with it, it prints nothing).
      else if (line.startsWith('GNOME_KEYRING_CONTROL=')) resolve();
    });
  });
  const env = { ...base, DBUS_SESSION_BUS_ADDRESS: bus };
  // The control socket can come before the bus name; a client calling in between
  // would have D-Bus start a second, locked daemon.
  await new Promise<void>((resolve, reject) =>
    execFile(
      'gdbus',
      ['wait', '--session', '--timeout', '20', 'org.freedesktop.secrets'],
      { env },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  const exited = once(session, 'exit');
  return {
    env,
    home,
    daemonPid: pid,
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    secretTool: (args, stdin) =>
      new Promise((resolve, reject) => {
        const child = execFile(
          'secret-tool',
          [...args],
          { env, timeout: 10_000 },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        );
        child.stdin?.end(stdin ?? '');
      }),
    stop: async () => {
      if (session.exitCode === null && session.signalCode === null) {
        try {
          process.kill(pid, 'SIGCONT');
          // The daemon saves each change as it is made; it need not shut down cleanly.
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        await exited;
      }
      if (ownHome) await rm(home, { recursive: true, force: true });
    },
  };
}
