import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An ACL user limited to keys and channels under `prefix`. */
export interface RedisAclUser {
  readonly name: string;
  readonly password: string;
  readonly prefix: string;
}

/** Options for {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Extra ACL users (the `default` user stays passwordless for the test's own inspection). */
  users?: readonly RedisAclUser[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A real `redis-server` (Debian's package) on a free loopback port, with its
 * own temporary directory and AOF on with `appendfsync always`: every
 * acknowledged write is on disk, so a `kill -9` loses nothing acknowledged.
 * Passwords live in its config file (0600), never in its argv.
 */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts a server; call {@link RedisServer.stop} when done. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'claude-auth-redis-'));
    for (let attempt = 0; ; attempt++) {
      const server = new RedisServer(await freePort(), dir);
      const config = [
        `port ${server.port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        'appendonly yes',
        'appendfsync always',
        'save ""',
        'daemonize no',
        'logfile ""',
        'loglevel warning',
        'user default on nopass ~* &* +@all',
        ...(options.users ?? []).map(
          (user) =>
            `user ${user.name} on >${user.password} resetkeys ~${user.prefix}* resetchannels &${user.prefix}* -@all +@read +@write +@scripting +@pubsub +ping +hello +client|setname +select +info`,
        ),
      ].join('\n');
      await writeFile(join(dir, 'redis.conf'), `${config}\n`, { mode: 0o600 });
      await chmod(join(dir, 'redis.conf'), 0o600);
      try {
        await server.#launch();
        return server;
      } catch (error) {
        // Another process took the free port between the probe and the bind.
        if (attempt >= 3) throw error;
      }
    }
  }

  /** A store URL for this server (the default user unless `user` is given). */
  url(options: { prefix?: string; user?: RedisAclUser; db?: number } = {}): string {
    const auth =
      options.user === undefined
        ? ''
        : `${encodeURIComponent(options.user.name)}:${encodeURIComponent(options.user.password)}@`;
    const query =
      options.prefix === undefined ? '' : `?prefix=${encodeURIComponent(options.prefix)}`;
    return `redis://${auth}127.0.0.1:${this.port}/${options.db ?? 0}${query}`;
  }

  /** Runs `redis-cli` as the default user and returns its output. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      ...args,
    ]);
    return stdout;
  }

  /** The server's pid, for signals. */
  get pid(): number {
    const pid = this.#process?.pid;
    if (pid === undefined) throw new Error('redis-server is not running');
    return pid;
  }

  /** `kill -9`: no shutdown, no final save. */
  async kill9(): Promise<void> {
    const child = this.#process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.#process = undefined;
  }

  /** Starts it again on the same port and directory (it reloads the AOF). */
  async restart(): Promise<void> {
    await this.#launch();
  }

  /** Stops the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill9();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    const child = spawn('redis-server', [join(this.dir, 'redis.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
        child.once('error', reject);
        // "loglevel warning" prints nothing on success: ask the server itself.
        const probe = async () => {
          for (;;) {
            if (child.exitCode !== null) return;
            const ask = (...args: string[]) =>
              run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args])
                .then(({ stdout }) => stdout.trim())
                .catch(() => '');
            // PONG only once the AOF is loaded; the pid proves it is ours, not a squatter on the port.
            if (
              (await ask('ping')) === 'PONG' &&
              (await ask('info', 'server')).includes(`process_id:${child.pid}`)
            )
              return resolve();
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        void probe();
      });
    } finally {
      child.stdout?.off('data', collect);
      child.stderr?.off('data', collect);
    }
    child.stdout?.resume();
    child.stderr?.resume();
    this.#process = child;
  }
}
