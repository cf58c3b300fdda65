#!/usr/bin/env node
// The `claude-auth` bin: dist/cli/main.js (tsc's output) bundled by rolldown
// into CommonJS files in dist/bin/. Why: `token`, `status --json` and
// `mcp headers` run once per request (apiKeyHelper, scripts, every MCP
// connect), and most of their start-up was Node's ES-module loader, not our
// code: resolving and linking ~40 files, and building the ES-module facade of
// each builtin (`import … from 'node:util'` materialises every lazy export of
// node:util). CommonJS `require('node:util')` builds no facade. Measured in
// bench/results.md. The commands stay code-split: each loads its own chunk
// when run (run-cli.ts), so `token` parses no login code; the fast answer
// (src/cli/fast-answer.ts: `token` and `mcp headers` on a fresh token) is one
// chunk with everything it imports, so answering loads two files. Minified:
// V8 scans less source at load (measured: 5 % of `node -e 0` for `token`).
// Packages stay external (installed beside claude-auth, deduplicated by npm).
// oauth4webapi, ES-module only, is reached with require(esm) (unflagged since
// Node 20.19 and 22.12: `engines`); the optional backends and the agent SDK
// keep their dynamic import().
// Plain JavaScript because it runs as the last step of `npm run build`.
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const BIN_DIRECTORY = root('dist/bin');
export const BIN = root('dist/bin/claude-auth.cjs');

rmSync(BIN_DIRECTORY, { recursive: true, force: true });
await build({
  input: { 'claude-auth': root('dist/cli/main.js') },
  platform: 'node',
  // Bare specifiers (packages, node: builtins) are loaded at run time, not bundled.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
  logLevel: 'warn',
  // file-lock.js is imported lazily by the file store and at once by others: rolldown's note on it is no fault.
  checks: { ineffectiveDynamicImport: false },
  output: {
    // Beside dist/cli/: `new URL('../../package.json', import.meta.url)` stays true in every chunk.
    dir: BIN_DIRECTORY,
    format: 'cjs',
    minify: true,
    codeSplitting: {
      // The fast answer and the two modules main.ts loads with it, with all they import.
      groups: [
        {
          name: 'fast-answer',
          test: /[\\/]cli[\\/](fast-answer|shared[\\/]cli-io|shared[\\/]exit-codes)\.js$/,
          includeDependenciesRecursively: true,
        },
      ],
    },
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
  },
});
chmodSync(BIN, 0o755);
