// One writer of a stored credential, in its own process: `logout`, `login-with-token`
// (the token arrives on stdin, never in argv) or `refresh`. Prints "waiting" when it
// finds the credential's lock held (on builds with an injectable file system), then
// one JSON line with its outcome.
import * as lib from '../../../dist/index.js';

const [operation, path] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

function storageOf() {
  if (lib.FileCredentialStore === undefined) return new lib.TokenStorage(path);
  let told = false;
  const fs = {
    ...lib.nodeFileSystem,
    mkdir: async (target, options) => {
      try {
        return await lib.nodeFileSystem.mkdir(target, options);
      } catch (error) {
        if (error.code === 'EEXIST' && target.endsWith('.lock') && !told) {
          told = true;
          say('waiting');
        }
        throw error;
      }
    },
  };
  return lib.TokenStorage.fromStore(new lib.FileCredentialStore({ path, fs }));
}

async function stdinText() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

const storage = storageOf();
try {
  if (operation === 'logout') {
    const result = await lib.logout({ storage });
    say(JSON.stringify({ removed: result.removed, revoked: result.revoked }));
  } else if (operation === 'login-with-token') {
    const withToken = await stdinText();
    await lib.login({ withToken, storage });
    say(JSON.stringify({ loggedIn: true }));
  } else if (operation === 'refresh') {
    const manager = new lib.TokenManager({
      storage,
      refresh: (token) => lib.refreshProviderToken(token),
    });
    const token = await manager.getValidToken();
    say(JSON.stringify({ accessToken: token.accessToken }));
  } else {
    throw new Error(`unknown operation ${operation}`);
  }
} catch (error) {
  say(JSON.stringify({ error: lib.isAuthenticationError(error) ? error.code : String(error) }));
}
process.exit(0);
