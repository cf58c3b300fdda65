import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileCredentialStore } from '../../src/store/file/file-credential-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeCredentialStoreConformance } from './credential-store-conformance.js';

describeCredentialStoreConformance('file', async () => {
  const dir = join(await tempDir(), 'profiles');
  const path = join(dir, 'work.json');
  const open = () => new FileCredentialStore({ path, profile: 'work' });
  return {
    store: open(),
    reopen: open,
    corrupt: () => writeFile(path, '{"version": 1, "kind": ', { mode: 0o600 }),
    keptAside: async () => {
      const names = (await readdir(dir)).filter((name) => name.startsWith('work.json.corrupt-'));
      return Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
    },
    sibling: (profile) =>
      new FileCredentialStore({
        path: join(dir, profile === 'default' ? 'tokens.json' : `${profile}.json`),
        profile,
      }),
  };
});
