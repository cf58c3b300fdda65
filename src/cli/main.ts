#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './cli-io.js';
import { runCli } from './run-cli.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);
process.exitCode = await runCli(process.argv.slice(2));
