import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import { NATIVE_CLIENT_ID, type OidcServer } from '../../fixtures/oidc-server.js';
import { OAuthConfig, type OAuthConfigInit } from '../../src/oauth/oauth-config.js';
import type { OAuthFlowOptions } from '../../src/oauth/oauth-flow.js';
import { TokenStorage } from '../../src/storage/token-storage.js';
import { tempDir } from './temp-dir.js';

/** Captures what a flow tells the user. */
export function capturedOutput(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

/**
 * A config for the test provider's native client, on any free loopback port;
 * a change set to `undefined` removes that setting (`scopes: undefined`:
 * chosen from the metadata).
 */
export function nativeConfig(
  server: OidcServer,
  changes: { [K in keyof OAuthConfigInit]?: OAuthConfigInit[K] | undefined } = {},
): OAuthConfig {
  const init = {
    clientId: NATIVE_CLIENT_ID,
    issuer: server.issuer,
    redirectUri: 'http://127.0.0.1:0/callback',
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    ...changes,
  };
  return new OAuthConfig(
    Object.fromEntries(
      Object.entries(init).filter(([, value]) => value !== undefined),
    ) as unknown as OAuthConfigInit,
  );
}

/** A fresh storage file in a temp dir. */
export async function freshStorage(): Promise<TokenStorage> {
  return new TokenStorage(join(await tempDir(), 'tokens.json'), 'test');
}

/**
 * Flow options whose "browser" is the test browser acting as the user: the
 * opener hands it the URL and returns at once, as a real opener does.
 */
export function browserFlow(act: (url: string) => Promise<unknown>): OAuthFlowOptions & {
  output: PassThrough;
  outputText: () => string;
  opened: string[];
  acted: () => Promise<unknown>;
} {
  const output = capturedOutput();
  const opened: string[] = [];
  const pending: Promise<unknown>[] = [];
  onTestFinished(async () => {
    await Promise.allSettled(pending);
  });
  return {
    output: output.stream,
    outputText: output.text,
    opened,
    acted: () => Promise.all(pending),
    openBrowser: async (url) => {
      opened.push(url);
      pending.push(act(url).catch(() => undefined));
      return true;
    },
  };
}
