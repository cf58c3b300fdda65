// Bench: the TokenManager hot path and refresh herds, each against a baseline
// measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthToken, TokenManager, TokenStorage } from '../dist/index.js';
import { fmt, interleave, summarize, table } from './lib/stats.mjs';

const HOT_CALLS = 200_000;

function token(expiresInMs, refreshToken = 'refresh-0') {
  return new AuthToken({
    kind: 'oauth',
    accessToken: `access-${Math.random()}`,
    refreshToken,
    expiresAt: new Date(Date.now() + expiresInMs),
  });
}

/** A refresh endpoint stand-in with a fixed round-trip cost, counting calls. */
function fakeRefresh(counter, latencyMs) {
  return async (current) => {
    counter.calls++;
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return current.with({
      accessToken: `access-${Math.random()}`,
      refreshToken: `refresh-${counter.calls}`,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  };
}

async function hotPath(dir) {
  const storage = new TokenStorage(join(dir, 'hot.json'));
  await storage.saveToken(token(3_600_000));
  const manager = new TokenManager({ storage, refresh: fakeRefresh({ calls: 0 }, 0) });
  const cached = await manager.getValidToken();
  const opsPerSecond = async (fn) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < HOT_CALLS; i++) await fn();
    return HOT_CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  const samples = await interleave(
    {
      baseline: () => opsPerSecond(() => Promise.resolve(cached)),
      getValidToken: () => opsPerSecond(() => manager.getValidToken()),
    },
    5,
  );
  return { baseline: summarize(samples.baseline), subject: summarize(samples.getValidToken) };
}

async function herdInProcess(dir, callers, latencyMs) {
  const storage = new TokenStorage(join(dir, `herd-${callers}.json`));
  const counter = { calls: 0 };
  const time = async (count) => {
    await storage.saveToken(token(-1000, `refresh-${Math.random()}`));
    const manager = new TokenManager({ storage, refresh: fakeRefresh(counter, latencyMs) });
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, () => manager.getValidToken()));
    return performance.now() - start;
  };
  const samples = await interleave({ one: () => time(1), herd: () => time(callers) }, 5);
  return {
    one: summarize(samples.one),
    herd: summarize(samples.herd),
    refreshesPerHerd: counter.calls / 10,
  };
}

async function herdAcrossProcesses(dir, processes, callers, latencyMs) {
  const storage = new TokenStorage(join(dir, 'procs.json'));
  const child = fileURLToPath(new URL('./lib/herd-child.mjs', import.meta.url));
  const run = async (count, perProcess) => {
    await storage.saveToken(token(-1000, `refresh-${Math.random()}`));
    const start = performance.now();
    const outputs = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise((resolve, reject) => {
            const proc = spawn(
              process.execPath,
              [child, storage.path, String(perProcess), String(latencyMs)],
              { stdio: ['ignore', 'pipe', 'inherit'] },
            );
            let out = '';
            proc.stdout.on('data', (chunk) => {
              out += chunk;
            });
            proc.on('exit', (code) =>
              code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exit ${code}`)),
            );
          }),
      ),
    );
    return {
      ms: performance.now() - start,
      refreshes: outputs.reduce((sum, o) => sum + o.refreshes, 0),
    };
  };
  const samples = { one: [], herd: [], refreshes: [] };
  for (let round = 0; round < 3; round++) {
    samples.one.push((await run(1, 1)).ms);
    const herd = await run(processes, callers);
    samples.herd.push(herd.ms);
    samples.refreshes.push(herd.refreshes);
  }
  return {
    one: summarize(samples.one),
    herd: summarize(samples.herd),
    refreshes: samples.refreshes,
  };
}

/** Runs the TokenManager benches and returns Markdown. */
export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'claude-auth-bench-'));
  try {
    const hot = await hotPath(dir);
    const inProcess = await herdInProcess(dir, 1000, 50);
    const procs = await herdAcrossProcesses(dir, 8, 100, 50);
    return [
      '### TokenManager',
      table(
        ['measure', 'median', 'min', 'max', 'ratio'],
        [
          [
            '`Promise.resolve(token)` (baseline), calls/s',
            fmt(hot.baseline.median / 1e6, ' M'),
            fmt(hot.baseline.min / 1e6, ' M'),
            fmt(hot.baseline.max / 1e6, ' M'),
            '1.00',
          ],
          [
            '`getValidToken()` fresh token, calls/s',
            fmt(hot.subject.median / 1e6, ' M'),
            fmt(hot.subject.min / 1e6, ' M'),
            fmt(hot.subject.max / 1e6, ' M'),
            `${fmt(hot.baseline.median / hot.subject.median)}× slower`,
          ],
          [
            '1 caller, expired token (baseline), ms',
            fmt(inProcess.one.median),
            fmt(inProcess.one.min),
            fmt(inProcess.one.max),
            '1.00',
          ],
          [
            `1,000 callers in one process, ms (refreshes per herd: ${inProcess.refreshesPerHerd})`,
            fmt(inProcess.herd.median),
            fmt(inProcess.herd.min),
            fmt(inProcess.herd.max),
            `${fmt(inProcess.herd.median / inProcess.one.median)}×`,
          ],
          [
            '1 process × 1 caller, expired token (baseline), ms',
            fmt(procs.one.median),
            fmt(procs.one.min),
            fmt(procs.one.max),
            '1.00',
          ],
          [
            `8 processes × 100 callers, ms (refreshes: ${procs.refreshes.join(', ')})`,
            fmt(procs.herd.median),
            fmt(procs.herd.min),
            fmt(procs.herd.max),
            `${fmt(procs.herd.median / procs.one.median)}×`,
          ],
        ],
      ),
      '',
      'Refresh round trip simulated at 50 ms; a refresh count of 1 per herd is the goal.',
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
