import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What {@link makeCertificates} wrote: the CA's certificate and a leaf signed by it. */
export interface ThrowawayCertificates {
  readonly caPath: string;
  readonly keyPath: string;
  readonly certPath: string;
  readonly key: Buffer;
  readonly cert: Buffer;
}

/**
 * A throwaway CA (valid one day, trusted by nobody unless a test says so) and a
 * leaf certificate for `subjectAltName`, made with openssl in `dir`.
 *
 * @param dir - A private temporary directory; the keys are written there.
 * @param subjectAltName - The leaf's names, e.g. `['DNS:claude.ai', 'IP:127.0.0.1']`.
 */
export async function makeCertificates(
  dir: string,
  subjectAltName: readonly string[],
): Promise<ThrowawayCertificates> {
  const file = (name: string) => join(dir, name);
  await writeFile(file('ext.cnf'), `subjectAltName=${subjectAltName.join(',')}\n`);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=claude-auth throwaway test CA',
  ]);
  await run('openssl', [
    'req',
    ...ec,
    '-keyout',
    file('leaf.key'),
    '-out',
    file('leaf.csr'),
    '-subj',
    '/CN=claude-auth test server',
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('leaf.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('leaf.crt'),
    '-days',
    '1',
    '-extfile',
    file('ext.cnf'),
  ]);
  return {
    caPath: file('ca.crt'),
    keyPath: file('leaf.key'),
    certPath: file('leaf.crt'),
    key: await readFile(file('leaf.key')),
    cert: await readFile(file('leaf.crt')),
  };
}
