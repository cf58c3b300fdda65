import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReply } from '../../fixtures/messages-api.js';
import { makeCertificates } from './throwaway-ca.js';

/** The only hosts the proxy intercepts; CONNECT to anything else is refused. */
export const ANTHROPIC_HOSTS = [
  'claude.com',
  'claude.ai',
  'platform.claude.com',
  'api.anthropic.com',
] as const;

/** A request the emulator received. */
export interface EmulatedRequest {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Anthropic's OAuth and API hosts, offline: an HTTPS-intercepting proxy on
 * 127.0.0.1 (for `HTTPS_PROXY`) that terminates TLS for exactly
 * {@link ANTHROPIC_HOSTS} with a certificate from a CA made at start (for
 * `NODE_EXTRA_CA_CERTS`), and behind it an emulator of the endpoints the
 * official `claude` CLI calls: authorize (auto-approve), token (PKCE S256
 * verified), profile, roles, revoke and `/v1/messages`.
 */
export class AnthropicEmulator {
  readonly requests: EmulatedRequest[] = [];
  /** Tokens issued, newest last. */
  readonly issuedTokens: string[] = [];
  /** CONNECT targets that were refused. */
  readonly refusedConnects: string[] = [];
  /** When set, the token endpoint answers this status with an OAuth error. */
  tokenEndpointFailure: number | undefined;
  readonly caPath: string;
  readonly #proxy: Server;
  readonly #tls: HttpsServer;
  readonly #dir: string;
  readonly #codes = new Map<string, { challenge: string; redirectUri: string; state: string }>();

  private constructor(proxy: Server, tls: HttpsServer, caPath: string, dir: string) {
    this.#proxy = proxy;
    this.#tls = tls;
    this.caPath = caPath;
    this.#dir = dir;
  }

  static async start(): Promise<AnthropicEmulator> {
    const dir = await mkdtemp(join(tmpdir(), 'claude-auth-emulator-'));
    const { caPath, key, cert } = await makeCertificates(
      dir,
      ANTHROPIC_HOSTS.map((host) => `DNS:${host}`),
    );
    const tls = createHttpsServer({ key, cert });
    const proxy = createServer((_request, response) => response.writeHead(405).end());
    const emulator = new AnthropicEmulator(proxy, tls, caPath, dir);
    tls.on('request', (request, response) => void emulator.#handle(request, response));
    proxy.on('connect', (request: IncomingMessage, socket: Socket) => {
      const [host = '', port = '443'] = (request.url ?? '').split(':');
      if (!(ANTHROPIC_HOSTS as readonly string[]).includes(host) || port !== '443') {
        emulator.refusedConnects.push(request.url ?? '');
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      tls.emit('connection', socket);
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    return emulator;
  }

  /** The value for `HTTPS_PROXY`. */
  get proxyUrl(): string {
    return `http://127.0.0.1:${(this.#proxy.address() as AddressInfo).port}`;
  }

  /** The environment that sends the real `claude` binary here. */
  get env(): Record<string, string> {
    return {
      HTTPS_PROXY: this.proxyUrl,
      https_proxy: this.proxyUrl,
      NODE_EXTRA_CA_CERTS: this.caPath,
      NO_PROXY: '127.0.0.1,localhost',
    };
  }

  /** Approves an authorization request as a signed-in user would: a code bound to its PKCE challenge. */
  approve(authorizeUrl: URL): { code: string; state: string; redirectUri: string } {
    const params = authorizeUrl.searchParams;
    const code = `emulated-code-${randomBytes(8).toString('hex')}`;
    const entry = {
      challenge: params.get('code_challenge') ?? '',
      redirectUri: params.get('redirect_uri') ?? '',
      state: params.get('state') ?? '',
    };
    this.#codes.set(code, entry);
    return { code, state: entry.state, redirectUri: entry.redirectUri };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const url = new URL(request.url ?? '/', `https://${request.headers.host ?? 'unknown'}`);
    this.requests.push({
      host: url.hostname,
      method: request.method ?? '',
      path: url.pathname,
      headers: request.headers,
      body,
    });
    if (url.pathname.endsWith('/oauth/authorize')) {
      const { code, state, redirectUri } = this.approve(url);
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', state);
      response.writeHead(302, { location: target.href }).end();
      return;
    }
    if (url.pathname === '/v1/oauth/token' && request.method === 'POST') {
      this.#token(body, response);
      return;
    }
    if (url.pathname === '/api/oauth/profile') {
      json(response, 200, {
        account: {
          uuid: 'acc-0001',
          email: 'max-user@example.test',
          full_name: 'Max User',
          display_name: 'Max',
        },
        organization: {
          uuid: 'org-0001',
          name: 'Test Org',
          organization_type: 'claude_max',
          rate_limit_tier: 'default_claude_max_20x',
        },
      });
      return;
    }
    if (url.pathname === '/api/oauth/claude_cli/roles') {
      json(response, 200, {
        organization_role: 'admin',
        workspace_role: null,
        organization_name: 'Test Org',
      });
      return;
    }
    if (url.pathname === '/v1/messages' && request.method === 'POST') {
      writeReply(response, body, 'Hello from the emulated Anthropic.', this.requests.length);
      return;
    }
    if (url.pathname === '/v1/oauth/token/revoke') {
      json(response, 200, {});
      return;
    }
    json(response, 404, {
      type: 'error',
      error: { type: 'not_found_error', message: `emulator has no ${url.pathname}` },
    });
  }

  #token(body: string, response: ServerResponse): void {
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(body);
    } catch {
      params = Object.fromEntries(new URLSearchParams(body));
    }
    if (this.tokenEndpointFailure !== undefined) {
      json(response, this.tokenEndpointFailure, {
        error: 'invalid_grant',
        error_description: 'emulated failure',
      });
      return;
    }
    const entry = this.#codes.get(String(params.code));
    const verifier = String(params.code_verifier ?? '');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      params.grant_type !== 'authorization_code' ||
      entry === undefined ||
      entry.challenge !== challenge ||
      entry.redirectUri !== params.redirect_uri
    ) {
      json(response, 400, {
        error: 'invalid_grant',
        error_description: 'code, PKCE verifier or redirect URI does not match',
      });
      return;
    }
    this.#codes.delete(String(params.code));
    const accessToken = `sk-ant-oat01-${randomBytes(60).toString('base64url').slice(0, 80)}AA`;
    this.issuedTokens.push(accessToken);
    json(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: typeof params.expires_in === 'number' ? params.expires_in : 31_536_000,
      scope: 'user:inference',
      account: { uuid: 'acc-0001', email_address: 'max-user@example.test' },
      organization: { uuid: 'org-0001', name: 'Test Org' },
    });
  }

  async close(): Promise<void> {
    this.#proxy.closeAllConnections();
    this.#proxy.close();
    this.#tls.close();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
