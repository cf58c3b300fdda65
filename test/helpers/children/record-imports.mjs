// Preloaded with `node --import` into a CLI run: appends the URL of every module
// the process loads, one a line, to $RECORD_IMPORTS_TO. Node ≥ 22.15 runs the
// hook in this thread (module.registerHooks); Node 20 through the off-thread
// loader (module.register), whose hooks see the same URLs of ES modules. At
// exit it adds what no hook sees on every Node: the CommonJS modules the bin
// required (require.cache, file: URLs) and the builtins loaded however they
// were reached (`node:` names, from process.moduleLoadList), after this file
// set itself up: Node 20's off-thread loader loads node:worker_threads for the
// recorder, not for the CLI (on Node ≥ 22.15 the hooks run in this thread).
import { appendFileSync } from 'node:fs';
import module from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.RECORD_IMPORTS_TO;
if (out === undefined) throw new Error('record-imports: set RECORD_IMPORTS_TO');

/** The off-thread form (Node 20): a load hook that records and goes on. */
export async function load(url, context, nextLoad) {
  appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}

/** How many internal modules were loaded when the recorder was set up. */
let loadedBefore = 0;

/** The CommonJS modules and the public builtins this process loaded, as URLs. */
function loadedWithoutHooks() {
  const required = Object.keys(module.createRequire(import.meta.url).cache).map(
    (path) => pathToFileURL(path).href,
  );
  const builtins = process.moduleLoadList
    .slice(loadedBefore)
    .filter((name) => name.startsWith('NativeModule ') && !name.includes('internal/'))
    .map((name) => `node:${name.slice('NativeModule '.length)}`);
  return [...required, ...builtins];
}

// The loader thread imports this file again as `…?hooks`: there it only provides `load`.
if (new URL(import.meta.url).search !== '?hooks') {
  process.on('exit', () => {
    const urls = loadedWithoutHooks();
    if (urls.length > 0) appendFileSync(out, `${urls.join('\n')}\n`);
  });
  if (typeof module.registerHooks === 'function')
    module.registerHooks({
      load(url, context, nextLoad) {
        appendFileSync(out, `${url}\n`);
        return nextLoad(url, context);
      },
    });
  else module.register(`${import.meta.url}?hooks`);
  loadedBefore = process.moduleLoadList.length;
}
