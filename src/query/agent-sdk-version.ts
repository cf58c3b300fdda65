import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthErrorCode, AuthenticationError } from '../errors/authentication-error.js';

/** The agent SDK's package name: a peer dependency, installed by the application. */
export const AGENT_SDK = '@anthropic-ai/claude-agent-sdk';

/** A supported range, `>=lowest <below`: the only form claude-auth's `package.json` uses. */
export interface VersionRange {
  /** The lowest supported version (tested). */
  readonly lowest: string;
  /** The first version not supported. */
  readonly below: string;
  /** The range as written in `package.json`. */
  readonly text: string;
}

const RANGE = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/;
const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-.*)?$/;

/**
 * Parses a `>=a.b.c <d.e.f` range.
 *
 * @param text - The range.
 * @returns The range.
 * @throws Error when the range has another form (a packaging mistake, caught by the tests).
 */
export function parseVersionRange(text: string): VersionRange {
  const match = RANGE.exec(text);
  if (match === null) throw new Error(`"${text}" is not a range of the form >=a.b.c <d.e.f`);
  return { lowest: match[1] as string, below: match[2] as string, text };
}

/** The numeric `[major, minor, patch]` of a version, or `undefined` for another string. */
function numbers(version: string): number[] | undefined {
  const match = VERSION.exec(version);
  return match === null ? undefined : match.slice(1, 4).map(Number);
}

/**
 * Whether `version` lies in `range`. A pre-release (`0.4.0-beta`) counts as
 * its release, and anything that is not a version is outside.
 *
 * @param version - An installed version.
 * @param range - The supported range.
 * @returns `true` when `lowest <= version < below`.
 */
export function inVersionRange(version: string, range: VersionRange): boolean {
  const [v, lo, hi] = [numbers(version), numbers(range.lowest), numbers(range.below)];
  if (v === undefined || lo === undefined || hi === undefined) return false;
  const compare = (a: number[], b: number[]) =>
    a.map((n, i) => n - (b[i] as number)).find((d) => d !== 0) ?? 0;
  return compare(v, lo) >= 0 && compare(v, hi) < 0;
}

/**
 * The manifest of package `name` containing `from`: the nearest `package.json`
 * above it with that name (a build may sit at any depth below its package root).
 */
function manifestAbove(from: string, name: string): Record<string, unknown> | undefined {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    if (manifest.name === name) return manifest;
  }
  return undefined;
}

/**
 * The agent SDK range this package supports: its `peerDependencies` entry,
 * the one place the range is written.
 *
 * @returns The range.
 */
export function supportedAgentSdkRange(): VersionRange {
  const manifest = manifestAbove(fileURLToPath(import.meta.url), 'claude-auth');
  const peers = manifest?.peerDependencies as Record<string, string> | undefined;
  return parseVersionRange(String(peers?.[AGENT_SDK]));
}

/**
 * The version of the agent SDK that an `import` from `from` would load, found
 * the way Node resolves it (the SDK does not export its `package.json`, so
 * from its entry module up to its package root).
 *
 * @param from - Where the import happens (default: this module, as a query's import).
 * @returns The version, or `undefined` when no SDK is installed there.
 */
export function installedAgentSdkVersion(from: string | URL = import.meta.url): string | undefined {
  let entry: string;
  try {
    entry = createRequire(from).resolve(AGENT_SDK);
  } catch {
    return undefined;
  }
  const version = manifestAbove(entry, AGENT_SDK)?.version;
  return version === undefined ? undefined : String(version);
}

/**
 * Refuses an agent SDK outside the supported range, or none, before a query
 * starts anything: an older SDK may lack what claude-auth calls on a running
 * query, and a newer minor may have changed it.
 *
 * @param installed - The installed version (`undefined`: none).
 * @param range - The supported range.
 * @throws {@link AuthenticationError} `SDK_UNSUPPORTED`, naming the installed
 *   version and the range, with the `npm install` command that fixes it.
 */
export function assertSupportedAgentSdk(installed: string | undefined, range: VersionRange): void {
  if (installed !== undefined && inVersionRange(installed, range)) return;
  const fix = `npm install '${AGENT_SDK}@${range.text}'`;
  throw new AuthenticationError(
    AuthErrorCode.SDK_UNSUPPORTED,
    installed === undefined
      ? `Queries need ${AGENT_SDK} (${range.text}), and it is not installed.`
      : `${AGENT_SDK} ${installed} is installed; claude-auth supports ${range.text}.`,
    { fix },
  );
}

let checked = false;

/**
 * Checks, once per process, that the installed agent SDK is one claude-auth supports.
 *
 * @throws {@link AuthenticationError} `SDK_UNSUPPORTED`; see {@link assertSupportedAgentSdk}.
 */
export function checkAgentSdk(): void {
  if (checked) return;
  assertSupportedAgentSdk(installedAgentSdkVersion(), supportedAgentSdkRange());
  checked = true;
}
