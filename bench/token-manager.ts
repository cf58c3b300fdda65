// Bench: the TokenManager hot path and refresh herds, each against a baseline
// measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAuthHeaders } from '../src/credentials/auth-headers.js';
import { type RefreshFunction, TokenManager } from '../src/refresh/token-manager.js';
import { TokenStorage } from '../src/storage/token-storage.js';
import { AuthToken } from '../src/token/auth-token.js';
import { fmt, interleave, row, type Summary, summarize, table } from './lib/stats.js';

const HOT_CALLS = 200_000;
const REFRESH_LATENCY_MS = 50;

function token(expiresInMs: number, refreshToken = 'refresh-0'): AuthToken {
  return new AuthToken({
    kind: 'oauth',
    accessToken: `access-${Math.random()}`,
    refreshToken,
    expiresAt: new Date(Date.now() + expiresInMs),
  });
}

/** A refresh endpoint stand-in with a fixed round-trip cost, counting calls. */
function fakeRefresh(counter: { calls: number }): RefreshFunction {
  return async (current) => {
    counter.calls++;
    await new Promise((resolve) => setTimeout(resolve, REFRESH_LATENCY_MS));
    return current.with({
      accessToken: `access-${Math.random()}`,
      refreshToken: `refresh-${counter.calls}`,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  };
}

async function callsPerSecond(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < HOT_CALLS; i++) await fn();
  return HOT_CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function hotPath(
  dir: string,
): Promise<Record<'baseline' | 'getValidToken' | 'getAuthHeaders', Summary>> {
  const storage = new TokenStorage(join(dir, 'tokens.json'));
  await storage.saveToken(token(3_600_000));
  const manager = new TokenManager({ storage, refresh: fakeRefresh({ calls: 0 }) });
  const cached = await manager.getValidToken();
  const env = { CLAUDE_AUTH_DIR: dir };
  await getAuthHeaders({ env });
  const samples = await interleave(
    {
      baseline: () => callsPerSecond(() => Promise.resolve(cached)),
      getValidToken: () => callsPerSecond(() => manager.getValidToken()),
      getAuthHeaders: () => callsPerSecond(() => getAuthHeaders({ env })),
    },
    5,
  );
  return {
    baseline: summarize(samples.baseline),
    getValidToken: summarize(samples.getValidToken),
    getAuthHeaders: summarize(samples.getAuthHeaders),
  };
}

async function herdInProcess(dir: string, callers: number) {
  const storage = new TokenStorage(join(dir, `herd-${callers}.json`));
  const counter = { calls: 0 };
  const rounds = 5;
  const time = async (count: number) => {
    await storage.saveToken(token(-1000, `refresh-${Math.random()}`));
    const manager = new TokenManager({ storage, refresh: fakeRefresh(counter) });
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, () => manager.getValidToken()));
    return performance.now() - start;
  };
  const samples = await interleave({ one: () => time(1), herd: () => time(callers) }, rounds);
  return {
    one: summarize(samples.one),
    herd: summarize(samples.herd),
    refreshesPerHerd: (counter.calls - rounds) / rounds,
  };
}

function runChild(script: string, path: string, callers: number): Promise<{ refreshes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, path, String(callers), String(REFRESH_LATENCY_MS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`herd child exited ${code}`)),
    );
  });
}

async function herdAcrossProcesses(dir: string, processes: number, callers: number) {
  const storage = new TokenStorage(join(dir, 'processes.json'));
  // The child runs the built package; this file runs from .tools-build/bench.
  const script = fileURLToPath(new URL('../../bench/lib/herd-child.mjs', import.meta.url));
  const run = async (count: number, perProcess: number) => {
    await storage.saveToken(token(-1000, `refresh-${Math.random()}`));
    const start = performance.now();
    const outputs = await Promise.all(
      Array.from({ length: count }, () => runChild(script, storage.path, perProcess)),
    );
    return {
      ms: performance.now() - start,
      refreshes: outputs.reduce((sum, o) => sum + o.refreshes, 0),
    };
  };
  const one: number[] = [];
  const herd: number[] = [];
  const refreshes: number[] = [];
  for (let round = 0; round < 3; round++) {
    one.push((await run(1, 1)).ms);
    const result = await run(processes, callers);
    herd.push(result.ms);
    refreshes.push(result.refreshes);
  }
  return { one: summarize(one), herd: summarize(herd), refreshes };
}

/** Runs the TokenManager benches and returns Markdown. */
export async function run(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'claude-auth-bench-'));
  try {
    const hot = await hotPath(dir);
    const inProcess = await herdInProcess(dir, 1000);
    const processes = await herdAcrossProcesses(dir, 8, 100);
    const slower = (s: Summary) => `${fmt(hot.baseline.median / s.median)}× the baseline's cost`;
    return [
      '### Tokens and refresh',
      table(
        ['measure', 'median', 'min', 'max', 'ratio'],
        [
          row('`Promise.resolve(token)` (baseline), calls/s', hot.baseline, '1.00', 1e6, ' M'),
          row(
            '`TokenManager.getValidToken()`, fresh token, calls/s',
            hot.getValidToken,
            slower(hot.getValidToken),
            1e6,
            ' M',
          ),
          row(
            '`getAuthHeaders()`, stored token, calls/s',
            hot.getAuthHeaders,
            slower(hot.getAuthHeaders),
            1e6,
            ' M',
          ),
          row('1 caller, expired token (baseline), ms', inProcess.one, '1.00'),
          row(
            `1,000 callers in one process, ms — refreshes per herd: ${inProcess.refreshesPerHerd}`,
            inProcess.herd,
            fmt(inProcess.herd.median / inProcess.one.median),
          ),
          row('1 process × 1 caller, expired token (baseline), ms', processes.one, '1.00'),
          row(
            `8 processes × 100 callers, ms — refreshes per herd: ${processes.refreshes.join(', ')}`,
            processes.herd,
            fmt(processes.herd.median / processes.one.median),
          ),
        ],
      ),
      '',
      `Refresh round trip simulated at ${REFRESH_LATENCY_MS} ms; one refresh per herd is the goal. Process rows include Node start-up (8 processes share 2 cores).`,
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
