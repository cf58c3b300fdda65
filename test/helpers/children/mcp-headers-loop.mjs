// One process of the `mcp headers` herd: waits for "go" on stdin, then runs the
// built CLI's `mcp headers` (as Claude Code runs a headersHelper) one call after
// another until it has seen `distinct` different bearer tokens or made `maxRuns`
// calls, and reports every token and failure.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const [cli, distinct, maxRuns] = process.argv.slice(2);

process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const tokens = [];
  const failures = [];
  for (let i = 0; i < Number(maxRuns) && new Set(tokens).size < Number(distinct); i++) {
    try {
      const { stdout } = await run(process.execPath, [cli, 'mcp', 'headers']);
      tokens.push(JSON.parse(stdout).Authorization.replace(/^Bearer /, ''));
    } catch (error) {
      failures.push(String(error.stderr ?? error.message).slice(0, 500));
    }
  }
  process.stdout.write(`${JSON.stringify({ tokens, failures })}\n`);
  process.exit(0);
});
