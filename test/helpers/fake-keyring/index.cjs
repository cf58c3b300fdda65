// A stand-in for @napi-rs/keyring's Entry, for unit tests of the worker
// plumbing on every platform: values live in the worker's memory; the account
// "frozen" blocks its thread as a frozen keychain daemon blocks a native call;
// the account "failing" throws as a locked keychain does.
const values = new Map();
class Entry {
  constructor(service, account, options) {
    if (options?.linux?.store !== 'secret-service') throw new Error('store not pinned');
    this.key = `${service}/${account}`;
    if (account === 'frozen') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    if (account === 'failing') throw new Error('Secret Service: unlock prompt was dismissed');
  }
  getPassword() {
    return values.has(this.key) ? values.get(this.key) : null;
  }
  setPassword(value) {
    values.set(this.key, value);
  }
  deleteCredential() {
    if (!values.has(this.key)) throw new Error('No matching entry found in secure storage');
    return values.delete(this.key);
  }
}
function findCredentials(service) {
  return [...values.entries()]
    .filter(([key]) => key.startsWith(`${service}/`))
    .map(([key, password]) => ({ account: key.slice(service.length + 1), password }));
}
module.exports = { Entry, findCredentials };
