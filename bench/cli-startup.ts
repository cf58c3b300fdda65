// Bench: how fast `claude-auth status --json`, `claude-auth token` and
// `claude-auth mcp headers` (Claude Code runs it at every MCP connect) start and
// how much memory they take, against `node -e 0` of the same Node (its own
// floor), interleaved, on this machine's Node and on each of
// scripts/node-versions.json; on this machine's also against the official
// `claude auth status`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateClaudeBinary } from '../src/claude-code/claude-binary.js';
import { openMcpStore } from '../src/mcp/mcp-store.js';
import { TokenStorage } from '../src/storage/token-storage.js';
import { AuthToken } from '../src/token/auth-token.js';
import { fmt, interleave, summarize, table } from './lib/stats.js';

const RUNS = 20;
/** The package's bin, as users run it (scripts/bundle-cli.mjs). */
const CLI = fileURLToPath(new URL('../../dist/bin/claude-auth.cjs', import.meta.url));

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

/** One run of a command: wall and CPU (user + system) milliseconds, and its peak RSS in MiB. */
interface Measured {
  ms: number;
  cpu: number;
  rss: number;
}

/**
 * Runs a command to completion under bash's `time`, whose figures come from
 * getrusage of the child (CPU to the microsecond; `/usr/bin/time` rounds to
 * 10 ms, a third of `node -e 0`). Wall time is bash's too, so bash's own
 * start is not counted. Peak RSS is the child's VmHWM, polled from /proc.
 */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['-c', 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null 2>&1', 'measure', command, ...args],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let timing = '';
    child.stderr.on('data', (chunk) => {
      timing += chunk;
    });
    let rss = Number.NaN;
    const poll = setInterval(async () => {
      const timed = await commandPid(child.pid ?? 0);
      const seen = timed === undefined ? undefined : await peakRssMiB(timed);
      if (seen !== undefined) rss = seen;
    }, 2);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const [real, user, system] = timing.trim().split(/\s+/).slice(-3).map(Number);
      // "Not logged in" is an answer too: 3 from claude-auth, 1 from the official CLI.
      if (code !== 0 && code !== 1 && code !== 3)
        reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else if (real === undefined || user === undefined || system === undefined)
        reject(new Error(`no timing from bash for ${command}: ${timing}`));
      else resolve({ ms: real * 1000, cpu: (user + system) * 1000, rss });
    });
  });
}

/** The pid of the command bash runs (its only child), from /proc. */
async function commandPid(bash: number): Promise<number | undefined> {
  try {
    const children = await readFile(`/proc/${bash}/task/${bash}/children`, 'utf8');
    const pid = Number(children.trim().split(/\s+/)[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The Node builds of scripts/node-versions.json (fetched when missing) that this machine can run. */
function otherNodes(): { version: string; node: string }[] {
  const script = fileURLToPath(new URL('../../scripts/node-builds.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`scripts/node-builds.mjs exited ${result.status}`);
  const builds: { version: string; node?: string; skip?: string }[] = JSON.parse(result.stdout);
  return builds.flatMap(({ version, node, skip }) => {
    if (node !== undefined) return [{ version, node }];
    console.error(`cli-startup: Node ${version} not measured: ${skip}`);
    return [];
  });
}

/** The MCP server whose stored login `claude-auth mcp headers` reads. */
const MCP_SERVER = 'https://mcp.bench.invalid/mcp';

/** One Node's table: `node -e 0`, `token`, `status --json` and `mcp headers` of that Node, interleaved (and the official CLI when given). */
async function measureOn(
  node: string,
  env: NodeJS.ProcessEnv,
  official: string | undefined,
): Promise<string> {
  const cpu: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const timed =
    (name: string, command: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    async () => {
      const result = await measure(command, args, { ...env, ...extra });
      cpu[name] = [...(cpu[name] ?? []), result.cpu];
      rss[name] = [...(rss[name] ?? []), result.rss];
      return result.ms;
    };
  const subjects: Record<string, () => Promise<number>> = {
    'node -e 0': timed('node -e 0', node, ['-e', '0']),
    'claude-auth token': timed('claude-auth token', node, [CLI, 'token']),
    'claude-auth status --json': timed('claude-auth status --json', node, [
      CLI,
      'status',
      '--json',
    ]),
    'claude-auth mcp headers': timed('claude-auth mcp headers', node, [CLI, 'mcp', 'headers'], {
      CLAUDE_CODE_MCP_SERVER_URL: MCP_SERVER,
    }),
    ...(official !== undefined && {
      'claude auth status (official)': timed('claude auth status (official)', official, [
        'auth',
        'status',
        '--json',
      ]),
    }),
  };
  // One round first, not counted: it fills Node's compile cache, as the first of a user's calls does.
  await interleave(subjects, 1);
  for (const name of Object.keys(rss)) {
    cpu[name] = [];
    rss[name] = [];
  }
  const samples = await interleave(subjects, RUNS);
  const median = (values: number[] | undefined) =>
    summarize((values ?? []).filter(Number.isFinite)).median;
  const floor = median(samples['node -e 0']);
  const floorCpu = median(cpu['node -e 0']);
  const floorRss = median(rss['node -e 0']);
  const rows = Object.entries(samples).map(([name, values]) => {
    const wall = summarize(values);
    return [
      `\`${name}\``,
      fmt(wall.median),
      fmt(wall.min),
      fmt(wall.max),
      fmt(wall.median / floor),
      fmt(median(cpu[name])),
      fmt(median(cpu[name]) / floorCpu),
      fmt(median(rss[name])),
      fmt(median(rss[name]) / floorRss),
    ];
  });
  return table(
    [
      'command',
      'median ms',
      'min ms',
      'max ms',
      '× `node -e 0`',
      'CPU ms',
      'CPU × `node -e 0`',
      'peak RSS MiB',
      'RSS × `node -e 0`',
    ],
    rows,
  );
}

/** Runs the CLI start-up bench on this Node and each of scripts/node-versions.json, and returns Markdown. */
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
    await TokenStorage.fromStore(openMcpStore({ serverUrl: MCP_SERVER, env })).saveToken(
      new AuthToken({
        kind: 'oauth',
        accessToken: 'mcp-bench-token-not-real',
        expiresAt: new Date(Date.now() + 86_400_000),
      }),
    );
    const sections = [
      `#### Node ${process.versions.node} (this machine's)`,
      await measureOn(process.execPath, env, await locateClaudeBinary()),
    ];
    for (const { version, node } of otherNodes())
      sections.push('', `#### Node ${version}`, await measureOn(node, env, undefined));
    return [
      `### CLI start-up (${RUNS} runs each, interleaved per Node version, after one uncounted round)`,
      ...sections,
      '',
      "Goal: ≤ 1.2× `node -e 0` of the same Node for `token`, `status` and `mcp headers`, peak RSS ≤ 1.3×, on Node 24 and 26. Wall and CPU (user + system) are bash's `time` of each run (getrusage), medians; peak RSS is the VmHWM last read from /proc while the process ran. The CLI is the package's bin (`dist/bin/claude-auth.cjs`); it keeps Node's compile cache (Node ≥ 22.1) in the bench's home, filled by the uncounted round.",
    ].join('\n');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
