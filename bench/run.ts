// Runs every bench and writes the combined report to stdout and bench/results.md.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { run as cliStartup } from './cli-startup.js';
import { run as query } from './query.js';
import { run as redisStore } from './redis-store.js';
import { run as tokenManager } from './token-manager.js';

const sections = [await cliStartup(), await tokenManager(), await redisStore(), await query()];
const report = [
  `# Benchmarks (${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores)`,
  ...sections,
].join('\n\n');
console.log(report);
await writeFile(new URL('../../bench/results.md', import.meta.url), `${report}\n`);
