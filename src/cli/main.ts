#!/usr/bin/env node
import { enableCliCompileCache } from './compile-cache.js';

// Before anything else loads: the compile cache only serves modules loaded after it is on.
enableCliCompileCache();

/**
 * Runs the command line. No top-level `await`: the bin is this module bundled
 * as CommonJS (scripts/bundle-cli.mjs), which has none.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { guardProcessOutputs, outputLost, processIO } = await import('./shared/cli-io.js');
  guardProcessOutputs();
  const { ExitCode } = await import('./shared/exit-codes.js');
  // `token` and `mcp headers` on a fresh token, as Claude Code's helpers run them at every
  // request, answered before the CLI loads (issue 23); everything else is the CLI's.
  const { fastAnswer } = await import('./fast-answer.js');
  const answer = fastAnswer(argv, process.env);
  let code: number;
  if (answer !== undefined) {
    processIO().stdout.write(answer);
    code = ExitCode.OK;
  } else {
    const { runCli } = await import('./run-cli.js');
    // Write errors (EPIPE, ENOSPC) are handled on the process's outputs (guardProcessOutputs).
    code = await runCli(argv);
  }
  // Output lost to a full disk is a failure, whatever the command thought it printed.
  process.exitCode = outputLost() ? ExitCode.ERROR : code;
}

void main();
