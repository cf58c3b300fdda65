import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../fixtures/package-root.js';

/**
 * The layers of src/, lowest first (src/README.md explains each). A module may
 * import its own layer and the layers below it, never one above; folders of one
 * layer may import each other in one direction only (no folder cycle). A
 * folder not listed here is in no layer, which fails too: place it when you add it.
 */
const LAYERS: readonly { readonly name: string; readonly folders: readonly string[] }[] = [
  { name: 'platform', folders: ['platform'] },
  { name: 'errors', folders: ['errors'] },
  { name: 'token', folders: ['token'] },
  { name: 'profile', folders: ['profile'] },
  { name: 'store', folders: ['store'] },
  { name: 'store backends', folders: ['store/file', 'store/redis', 'store/keychain'] },
  { name: 'storage', folders: ['storage'] },
  { name: 'providers', folders: ['oauth', 'claude-code'] },
  { name: 'lifecycle', folders: ['refresh', 'login'] },
  { name: 'agent credentials', folders: ['mcp'] },
  { name: 'credentials', folders: ['credentials'] },
  { name: 'query', folders: ['query'] },
  { name: 'entry points', folders: ['cli/shared', 'cli/commands', 'cli', '.'] },
];

/** A module of src/ (path relative to src/, `/`-separated) and the src/ modules it imports. */
type ImportGraph = ReadonlyMap<string, readonly { specifier: string; target: string }[]>;

const layerOfFolder = new Map(
  LAYERS.flatMap((layer, rank) => layer.folders.map((folder) => [folder, { ...layer, rank }])),
);

/** Every violation of the layering in `graph`, as a sentence naming the file, the import and both layers. */
function layeringViolations(graph: ImportGraph): string[] {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOfFolder.get(posix.dirname(file));
    if (from === undefined) {
      violations.push(
        `src/${file}: its folder src/${posix.dirname(file)}/ is in no layer (add it to LAYERS here and to src/README.md)`,
      );
      continue;
    }
    for (const { specifier, target } of imports) {
      const to = layerOfFolder.get(posix.dirname(target));
      if (to !== undefined && to.rank > from.rank)
        violations.push(
          `src/${file} imports '${specifier}' (src/${target}): layer ${from.rank + 1} "${from.name}" must not import layer ${to.rank + 1} "${to.name}", which is above it`,
        );
    }
  }
  return violations;
}

/** Every cycle among the folders of `graph` (Tarjan's strongly connected components), as `a → b → a`. */
function folderCycles(graph: ImportGraph): string[] {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of graph) {
    const from = posix.dirname(file);
    const out = edges.get(from) ?? new Set<string>();
    edges.set(from, out);
    for (const { target } of imports)
      if (posix.dirname(target) !== from) out.add(posix.dirname(target));
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder) as number);
    stack.push(folder);
    for (const next of edges.get(folder) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(folder, Math.min(low.get(folder) as number, index.get(next) as number));
      }
    }
    if (low.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) {
      const sorted = component.sort();
      cycles.push(`folder cycle: ${[...sorted, sorted[0]].map((f) => `src/${f}/`).join(' → ')}`);
    }
  };
  for (const folder of [...edges.keys()].sort()) if (!index.has(folder)) visit(folder);
  return cycles;
}

/** The import graph of src/: static imports, re-exports and `import()` with a literal, by TypeScript's own scanner. */
async function sourceGraph(): Promise<ImportGraph> {
  const src = join(PACKAGE_ROOT, 'src');
  const files = (await readdir(src, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(src, join(entry.parentPath, entry.name)).split('\\').join('/'));
  const graph = new Map<string, { specifier: string; target: string }[]>();
  for (const file of files) {
    const text = await readFile(join(src, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    graph.set(
      file,
      importedFiles
        .map(({ fileName }) => fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => ({
          specifier,
          target: posix.normalize(
            posix.join(posix.dirname(file), specifier.replace(/\.js$/, '.ts')),
          ),
        })),
    );
  }
  return graph;
}

const graphOf = (modules: Record<string, string[]>): ImportGraph =>
  new Map(
    Object.entries(modules).map(([file, targets]) => [
      file,
      targets.map((target) => ({ specifier: `./${target}`, target })),
    ]),
  );

describe('the layers of src/', () => {
  it('every module is in a layer, and none imports a layer above its own', async () => {
    const graph = await sourceGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(layeringViolations(graph)).toEqual([]);
  });

  it('no folder imports a folder that imports it back, even within one layer', async () => {
    expect(folderCycles(await sourceGraph())).toEqual([]);
  });

  it('src/README.md lists the same layers, in the same order', async () => {
    const readme = await readFile(join(PACKAGE_ROOT, 'src', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d+) \| ([a-z ]+) \| ([^|]+) \|/gm)].map((row) => ({
      name: row[2],
      // `src/index.ts` stands for the entry point at the root of src/.
      folders: [...(row[3] ?? '').matchAll(/`src\/([^`]*?)\/?`/g)].map((f) =>
        f[1]?.endsWith('.ts') ? '.' : f[1],
      ),
    }));
    expect(rows).toEqual(LAYERS.map(({ name, folders }) => ({ name, folders: [...folders] })));
  });
});

describe('the layering check itself', () => {
  it('names the file, the import and both layers of an upward import', () => {
    const graph = graphOf({ 'oauth/oauth-flow.ts': ['refresh/refresh-policy.ts'] });
    expect(layeringViolations(graph)).toEqual([
      `src/oauth/oauth-flow.ts imports './refresh/refresh-policy.ts' (src/refresh/refresh-policy.ts): layer 8 "providers" must not import layer 9 "lifecycle", which is above it`,
    ]);
  });

  it('allows imports downward and within a layer', () => {
    const graph = graphOf({
      'cli/main.ts': ['query/queries.ts', 'cli/run-cli.ts'],
      'store/keychain/keychain-store.ts': ['store/file/file-lock.ts', 'profile/profile-paths.ts'],
    });
    expect(layeringViolations(graph)).toEqual([]);
  });

  it('refuses a module in a folder no layer names', () => {
    expect(layeringViolations(graphOf({ 'plugins/headers.ts': [] }))).toEqual([
      'src/plugins/headers.ts: its folder src/plugins/ is in no layer (add it to LAYERS here and to src/README.md)',
    ]);
  });

  it('finds a cycle between two folders of one layer', () => {
    const graph = graphOf({
      'store/file/secure-file.ts': ['store/keychain/version-marker.ts'],
      'store/keychain/version-marker.ts': ['store/file/secure-file.ts'],
      'store/redis/redis-lease.ts': ['store/credential-store.ts'],
    });
    expect(folderCycles(graph)).toEqual([
      'folder cycle: src/store/file/ → src/store/keychain/ → src/store/file/',
    ]);
  });
});
