// `npm start`: runs the offline sandbox and exits non-zero if any step failed.
import { runSandbox } from './sandbox.js';

process.exitCode = (await runSandbox({
  ...(process.argv.includes('--without-browser') ? { user: 'scripted' } : {}),
}))
  ? 0
  : 1;
