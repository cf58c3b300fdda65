import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  basicAuth,
  type InteropProvider,
  postForm,
  runSqlite,
  sqlText,
  startServerProcess,
  stopServerProcess,
} from './interop-provider.js';

/** Debian's interpreter: python3-django-oauth-toolkit is installed for it, not for a pyenv one. */
const PYTHON = '/usr/bin/python3';
const PROJECT = fileURLToPath(new URL('../fixtures/interop/django_oauth/', import.meta.url));
const USER = {
  login: 'alice',
  email: 'alice@example.test',
  firstName: 'Alice',
  lastName: 'Example',
} as const;
const PUBLIC_CLIENT = 'claude-auth-native';
const CONFIDENTIAL_CLIENT = 'cli-conf';
const RESOURCE_SERVER = 'resource-server';
/** DOT lets any port follow a loopback IP literal registered without one (RFC 8252 §7.3). */
const LOOPBACK_REDIRECTS = ['http://127.0.0.1/callback', 'http://[::1]/callback'];

/**
 * Debian's Django OAuth Toolkit 1.7 (Django 3.2) on 127.0.0.1: the minimal
 * project in test/fixtures/interop/django_oauth with a temporary SQLite
 * database, DOT's URLs under /o/, PKCE required, refresh-token rotation, OIDC
 * with an RSA key made at start, a public and a confidential client, a
 * resource server that may introspect, and one user. DOT 1.7 has no device
 * authorization grant, and its discovery document names no revocation endpoint.
 */
export class DjangoOAuthServer implements InteropProvider {
  readonly name = 'Django OAuth Toolkit 1.7';
  readonly scopes = 'openid email';
  readonly userEmail = USER.email;
  readonly offersOfflineAccess = false;
  readonly rotatesConfidentialRefreshTokens = true;
  readonly revokesForPublicClients = true;
  readonly publicClient = { id: PUBLIC_CLIENT };
  readonly confidentialClient: { id: string; secret: string };
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #origin: string;
  readonly #userPassword: string;
  readonly #resourceServerSecret: string;

  private constructor(
    child: ChildProcess,
    dir: string,
    origin: string,
    secrets: { confidential: string; resourceServer: string; user: string },
  ) {
    this.#child = child;
    this.#dir = dir;
    this.#origin = origin;
    this.confidentialClient = { id: CONFIDENTIAL_CLIENT, secret: secrets.confidential };
    this.#userPassword = secrets.user;
    this.#resourceServerSecret = secrets.resourceServer;
  }

  /** Migrates a fresh database and starts serving; a few seconds. */
  static async start(): Promise<DjangoOAuthServer> {
    const dir = await mkdtemp(join(tmpdir(), 'claude-auth-dot-'));
    const secrets = {
      confidential: randomBytes(24).toString('base64url'),
      resourceServer: randomBytes(24).toString('base64url'),
      user: randomBytes(12).toString('base64url'),
    };
    const seed = {
      user: { ...USER, password: secrets.user },
      clients: [
        {
          client_id: PUBLIC_CLIENT,
          client_type: 'public',
          grant_type: 'authorization-code',
          redirect_uris: LOOPBACK_REDIRECTS,
          algorithm: 'RS256',
        },
        {
          client_id: CONFIDENTIAL_CLIENT,
          client_secret: secrets.confidential,
          client_type: 'confidential',
          grant_type: 'authorization-code',
          redirect_uris: LOOPBACK_REDIRECTS,
          algorithm: 'RS256',
        },
        {
          client_id: RESOURCE_SERVER,
          client_secret: secrets.resourceServer,
          client_type: 'confidential',
          grant_type: 'client-credentials',
        },
      ],
    };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    try {
      const { child, match } = await startServerProcess(PYTHON, [join(PROJECT, 'serve.py')], {
        cwd: PROJECT,
        env: {
          PATH: process.env.PATH,
          PYTHONPATH: PROJECT,
          PYTHONDONTWRITEBYTECODE: '1',
          DJANGO_SETTINGS_MODULE: 'settings',
          DOT_SECRET_KEY: randomBytes(32).toString('base64url'),
          DOT_DATABASE: join(dir, 'db.sqlite3'),
          DOT_OIDC_RSA_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          DOT_SEED: JSON.stringify(seed),
        },
        ready: /listening (\d+)/,
      });
      return new DjangoOAuthServer(child, dir, `http://127.0.0.1:${match[1]}`, secrets);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** DOT derives its issuer from the discovery route: the origin plus /o. */
  get issuer(): string {
    return `${this.#origin}/o`;
  }

  get endpoints() {
    return {
      authorize: `${this.issuer}/authorize/`,
      token: `${this.issuer}/token/`,
      revocation: `${this.issuer}/revoke_token/`,
    };
  }

  /** The confidential client registered for the client credentials grant (RFC 6749 §4.4). */
  get machineClient(): { id: string; secret: string } {
    return { id: RESOURCE_SERVER, secret: this.#resourceServerSecret };
  }

  get undiscoveredRevocation(): string {
    return this.endpoints.revocation;
  }

  async redirectUri(): Promise<string> {
    return 'http://127.0.0.1:0/callback';
  }

  /** Django's login form, then DOT's "Authorize" button. */
  async signIn(page: Page, authorizationUrl: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(authorizationUrl);
    await page.locator('input[name=username]').fill(USER.login);
    await page.locator('input[name=password]').fill(this.#userPassword);
    await page.locator('button[type=submit]').click();
    await page.locator('input[name=allow]').click();
    await page.waitForURL((url) => url.origin !== this.#origin);
  }

  /** RFC 7662 introspection, authenticated as the resource server (DOT 1.7 looks up access tokens only). */
  async accessTokenActive(token: string): Promise<boolean> {
    const answer = await postForm(
      `${this.issuer}/introspect/`,
      { token },
      { authorization: basicAuth(RESOURCE_SERVER, this.#resourceServerSecret) },
    );
    if (answer.status !== 200 || answer.body === null)
      throw new Error(`DOT introspection answered ${answer.status}`);
    return answer.body.active === true;
  }

  /**
   * DOT's introspection does not know refresh tokens and using one would
   * rotate it, so ask its database: present and not revoked.
   */
  async refreshTokenActive(token: string): Promise<boolean> {
    const rows = await runSqlite(
      join(this.#dir, 'db.sqlite3'),
      `SELECT count(*) FROM oauth2_provider_refreshtoken WHERE token = ${sqlText(token)} AND revoked IS NULL;`,
    );
    return rows.trim() === '1';
  }

  async close(): Promise<void> {
    await stopServerProcess(this.#child);
    await rm(this.#dir, { recursive: true, force: true });
  }
}
