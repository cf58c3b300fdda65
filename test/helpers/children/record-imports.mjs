// Preloaded with `node --import` into a CLI run: appends the URL of every module
// the process loads, one a line, to $RECORD_IMPORTS_TO. Node ≥ 22.15 runs the
// hook in this thread (module.registerHooks); Node 20 through the off-thread
// loader (module.register), whose hooks see the same URLs.
import { appendFileSync } from 'node:fs';
import module from 'node:module';

const out = process.env.RECORD_IMPORTS_TO;
if (out === undefined) throw new Error('record-imports: set RECORD_IMPORTS_TO');

/** The off-thread form (Node 20): a load hook that records and goes on. */
export async function load(url, context, nextLoad) {
  appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}

// The loader thread imports this file again as `…?hooks`: there it only provides `load`.
if (new URL(import.meta.url).search !== '?hooks') {
  if (typeof module.registerHooks === 'function')
    module.registerHooks({
      load(url, context, nextLoad) {
        appendFileSync(out, `${url}\n`);
        return nextLoad(url, context);
      },
    });
  else module.register(`${import.meta.url}?hooks`);
}
