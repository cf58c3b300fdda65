#!/usr/bin/env node
import { enableCliCompileCache } from './compile-cache.js';

// Before anything else loads: the compile cache only serves modules imported after it is on.
enableCliCompileCache();
const { endQuietlyOnClosedPipe } = await import('./shared/cli-io.js');
const { runCli } = await import('./run-cli.js');

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);
process.exitCode = await runCli(process.argv.slice(2));
