import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Child-process tests run the built package; fail early and clearly if it is missing. */
export default function assertBuilt(): void {
  const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  if (!existsSync(entry))
    throw new Error(`${entry} is missing: run \`npm run build\` (npm test does it).`);
}
