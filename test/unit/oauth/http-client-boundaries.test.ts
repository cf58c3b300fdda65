import { describe, expect, it } from 'vitest';
import {
  createOAuthFetch,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
} from '../../../src/oauth/http-client.js';
import { scriptedServer } from '../../helpers/scripted-http-server.js';

// The OAuth client's bounds at their edge (SECURITY.md › OAuth responses bounded
// in time and size; no redirects followed): the size counted over the whole body
// to the byte, whatever its chunks; a redirect handed back, never followed.

const GET = { method: 'GET', headers: {} };

/** A server answering every request with `size` bytes, written in `chunks` writes. */
async function bodyOf(size: number, chunks = 1) {
  const requests: string[] = [];
  const base = await scriptedServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/moved') {
      response.writeHead(302, { location: '/target' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    const piece = Math.ceil(size / chunks);
    for (let at = 0; at < size; at += piece)
      response.write(Buffer.alloc(Math.min(piece, size - at), 0x61));
    response.end();
  });
  return { base, requests };
}

describe('OAuth responses are read only up to the size limit', () => {
  it.each([1, 4])('reads a body of exactly the limit in %i chunk(s)', async (chunks) => {
    const { base } = await bodyOf(1000, chunks);
    const response = await createOAuthFetch({ maxResponseBytes: 1000 })(`${base}/`, GET);
    expect((await response.arrayBuffer()).byteLength).toBe(1000);
  });

  it.each([1, 4])('refuses a body one byte over the limit in %i chunk(s)', async (chunks) => {
    const { base } = await bodyOf(1001, chunks);
    await expect(createOAuthFetch({ maxResponseBytes: 1000 })(`${base}/`, GET)).rejects.toEqual(
      new ResponseTooLargeError(1000),
    );
  });

  it('limits a body to 1 MiB by default', async () => {
    const { base } = await bodyOf(MAX_RESPONSE_BYTES + 1, 8);
    await expect(createOAuthFetch()(`${base}/`, GET)).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(MAX_RESPONSE_BYTES).toBe(1024 * 1024);
  });
});

describe('OAuth requests follow no redirect', () => {
  it('hands a 302 back as it is, and its target is never requested', async () => {
    const { base, requests } = await bodyOf(10);
    const response = await createOAuthFetch()(`${base}/moved`, GET);
    expect(response.status).toBe(302);
    expect(requests).toEqual(['/moved']);
  });
});
