#!/usr/bin/env node
import { enableCliCompileCache } from './compile-cache.js';

// Before anything else loads: the compile cache only serves modules loaded after it is on.
enableCliCompileCache();

/**
 * Runs the command line. No top-level `await`: the bin is this module bundled
 * as CommonJS (scripts/bundle-cli.mjs), which has none.
 */
async function main(): Promise<void> {
  const { endOnWriteError, outputLost } = await import('./shared/cli-io.js');
  const { ExitCode, runCli } = await import('./run-cli.js');
  endOnWriteError(process.stdout, 'stdout', process.stderr);
  endOnWriteError(process.stderr, 'stderr');
  const code = await runCli(process.argv.slice(2));
  // Output lost to a full disk is a failure, whatever the command thought it printed.
  process.exitCode = outputLost() ? ExitCode.ERROR : code;
}

void main();
