#!/usr/bin/env node
// A stand-in for the user's browser, for $BROWSER: opens the URL through the
// HTTPS proxy of the environment, follows redirects, and finally requests the
// loopback callback, as a browser that is already signed in would.
import { appendFileSync } from 'node:fs';
import { fetch, ProxyAgent } from 'undici';

const [url] = process.argv.slice(2);
if (process.env.BROWSER_LOG) appendFileSync(process.env.BROWSER_LOG, `${url}\n`);
const proxy = process.env.HTTPS_PROXY ? new ProxyAgent(process.env.HTTPS_PROXY) : undefined;
let next = new URL(url);
for (let hop = 0; hop < 10; hop++) {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(next.hostname);
  const response = await fetch(next, {
    redirect: 'manual',
    ...(proxy && !loopback && { dispatcher: proxy }),
  });
  const location = response.headers.get('location');
  await response.arrayBuffer();
  if (!location || response.status < 300 || response.status >= 400) break;
  next = new URL(location, next);
}
