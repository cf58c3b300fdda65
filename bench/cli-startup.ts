// Bench: how fast `claude-auth status --json`, `claude-auth token` and
// `claude-auth mcp headers` (Claude Code runs it at every MCP connect) start and
// how much memory they take, against `node -e 0` (Node's own floor) and the
// official `claude auth status`, interleaved in one run.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateClaudeBinary } from '../src/claude-code/claude-binary.js';
import { openMcpStore } from '../src/mcp/mcp-credential-name.js';
import { TokenStorage } from '../src/storage/token-storage.js';
import { AuthToken } from '../src/token/auth-token.js';
import { fmt, interleave, summarize, table } from './lib/stats.js';

const RUNS = 15;
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Peak resident memory of a running process, in MiB, from /proc (VmHWM is the high-water mark). */
async function peakRssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** Runs a command to completion: wall milliseconds and the last peak RSS seen while it ran. */
function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    let rss = Number.NaN;
    const poll = setInterval(async () => {
      const seen = await peakRssMiB(child.pid ?? 0);
      if (seen !== undefined) rss = seen;
    }, 2);
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      clearInterval(poll);
      // "Not logged in" is an answer too: 3 from claude-auth, 1 from the official CLI.
      if (code !== 0 && code !== 1 && code !== 3)
        reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else resolve({ ms, rss });
    });
  });
}

/** Runs the CLI start-up bench and returns Markdown. */
export async function run(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'claude-auth-bench-'));
  try {
    await mkdir(join(home, '.claude'));
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_AUTH_DIR: join(home, 'store'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    await new TokenStorage(join(home, 'store', 'tokens.json')).saveToken(
      new AuthToken({
        kind: 'claude-subscription',
        accessToken: 'sk-ant-oat01-bench-token-not-real',
        expiresAt: new Date(Date.now() + 86_400_000),
      }),
    );
    const mcpServer = 'https://mcp.bench.invalid/mcp';
    await TokenStorage.fromStore(openMcpStore({ serverUrl: mcpServer, env })).saveToken(
      new AuthToken({
        kind: 'oauth',
        accessToken: 'mcp-bench-token-not-real',
        expiresAt: new Date(Date.now() + 86_400_000),
      }),
    );
    const claude = await locateClaudeBinary();
    const rss: Record<string, number[]> = {};
    const timed =
      (name: string, command: string, args: string[], extra = {}) =>
      async () => {
        const result = await measure(command, args, { ...env, ...extra });
        rss[name] = [...(rss[name] ?? []), result.rss];
        return result.ms;
      };
    const subjects = {
      'node -e 0': timed('node -e 0', process.execPath, ['-e', '0']),
      'claude-auth status --json': timed('claude-auth status --json', process.execPath, [
        CLI,
        'status',
        '--json',
      ]),
      'claude-auth token': timed('claude-auth token', process.execPath, [CLI, 'token']),
      'claude-auth mcp headers': timed(
        'claude-auth mcp headers',
        process.execPath,
        [CLI, 'mcp', 'headers'],
        { CLAUDE_CODE_MCP_SERVER_URL: mcpServer },
      ),
      'claude auth status (official)': timed('claude auth status (official)', claude, [
        'auth',
        'status',
        '--json',
      ]),
    };
    const samples = await interleave(subjects, RUNS);
    const floor = summarize(samples['node -e 0']).median;
    const official = summarize(samples['claude auth status (official)']).median;
    const rows = Object.entries(samples).map(([name, values]) => {
      const s = summarize(values);
      const memory = summarize((rss[name] ?? []).filter(Number.isFinite));
      return [
        `\`${name}\``,
        fmt(s.median),
        fmt(s.min),
        fmt(s.max),
        fmt(s.median / floor),
        fmt(official / s.median),
        fmt(memory.median),
      ];
    });
    return [
      `### CLI start-up (${RUNS} runs each, interleaved)`,
      table(
        [
          'command',
          'median ms',
          'min ms',
          'max ms',
          '× `node -e 0`',
          'speed-up vs official',
          'peak RSS MiB',
        ],
        rows,
      ),
      '',
      'Goal: ≤ 1.2× `node -e 0` for `status`, `token` and `mcp headers`. Peak RSS is the VmHWM last read from /proc while the process ran.',
    ].join('\n');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
