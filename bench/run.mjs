// Runs every bench and writes the combined report to stdout and bench/results.md.
import { writeFile } from 'node:fs/promises';
import { run as tokenManager } from './token-manager.mjs';

const sections = [await tokenManager()];
const report = [
  `# Benchmarks (${new Date().toISOString()}, Node ${process.version})`,
  '',
  ...sections,
].join('\n\n');
console.log(report);
await writeFile(new URL('./results.md', import.meta.url), `${report}\n`);
