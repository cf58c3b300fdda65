// `npm start`: runs the offline sandbox and exits non-zero if any step failed.
import { runSandbox } from './sandbox.js';

process.exitCode = (await runSandbox({
  withoutBrowser: process.argv.includes('--without-browser'),
}))
  ? 0
  : 1;
