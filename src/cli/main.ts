#!/usr/bin/env node
import { enableCliCompileCache } from './compile-cache.js';

// Before anything else loads: the compile cache only serves modules loaded after it is on.
enableCliCompileCache();

/**
 * Runs the command line. No top-level `await`: the bin is this module bundled
 * as CommonJS (scripts/bundle-cli.mjs), which has none.
 */
async function main(): Promise<void> {
  const { endQuietlyOnClosedPipe } = await import('./shared/cli-io.js');
  const { runCli } = await import('./run-cli.js');
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  process.exitCode = await runCli(process.argv.slice(2));
}

void main();
