import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEVICE_CODE_GRANT_TYPE,
  oauthDeviceAuthorization,
  oauthProvider,
  oauthProviderAuthServerMetadata,
} from '@better-auth/oauth-provider';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins';
import type { BrowserContext, Page } from 'playwright-core';
import type { InteropProvider } from './interop-provider.js';

const USER = { name: 'Alice Example', email: 'alice@example.test' } as const;
/** Where Better Auth's routes live in the host application (its default). */
const BASE_PATH = '/api/auth';
const PUBLIC_CLIENT = 'claude-auth-native';
/** A dash in the id, registered for client_secret_basic: Better Auth refuses any other method. */
const CONFIDENTIAL_CLIENT = 'cli-conf';
const GRANTS = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE];
/** Better Auth matches a registered native loopback redirect on any port. */
const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

/**
 * The pages a Better Auth host application must provide, minimal and
 * self-contained (nothing external): the login page (Better Auth sends the
 * browser there with its signed authorization query; signing in with that
 * query as `oauth_query` resumes the authorization), the consent page (its
 * answer goes to `/oauth2/consent`), and the device page (sign in, claim
 * the user code with `GET /device`, then approve it at `/device/approve`). Every call answers JSON; a
 * `url` in it is where the browser goes next.
 */
function page(title: string, body: string, script: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${title}</title>
<h1>${title}</h1>${body}<p id="status" role="status"></p>
<script>
const base = ${JSON.stringify(BASE_PATH)};
const query = new URLSearchParams(location.search);
async function call(path, body) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || answer.error_description || response.status);
  return answer;
}
function fail(error) { document.getElementById('status').textContent = 'Error: ' + error.message; }
${script}
</script>`;
}

const SIGN_IN_FORM = `<form id="sign-in"><label>Email <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`;

const LOGIN_PAGE = page(
  'Sign in',
  SIGN_IN_FORM,
  `document.getElementById('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  call('/sign-in/email', {
    email: form.get('email'), password: form.get('password'), oauth_query: location.search.slice(1),
  }).then((answer) => { location.href = answer.url; }, fail);
});`,
);

const CONSENT_PAGE = page(
  'Allow access',
  `<p>The application <b id="client"></b> asks for: <span id="scopes"></span></p>
<button id="allow">Allow</button> <button id="deny">Deny</button>`,
  `document.getElementById('client').textContent = query.get('client_id');
document.getElementById('scopes').textContent = query.get('scope');
for (const [id, accept] of [['allow', true], ['deny', false]])
  document.getElementById(id).addEventListener('click', () =>
    call('/oauth2/consent', { accept, oauth_query: location.search.slice(1) })
      .then((answer) => { location.href = answer.url; }, fail));`,
);

const DEVICE_PAGE = page(
  'Connect a device',
  `${SIGN_IN_FORM}<p>Code: <input id="code"></p><button id="approve">Approve</button>`,
  `document.getElementById('code').value = query.get('user_code') || '';
document.getElementById('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  call('/sign-in/email', { email: form.get('email'), password: form.get('password') })
    .then(() => { document.getElementById('status').textContent = 'Signed in'; }, fail);
});
document.getElementById('approve').addEventListener('click', async () => {
  const userCode = document.getElementById('code').value;
  try {
    // Better Auth binds the code to this signed-in session on GET /device, then approves it.
    const claimed = await fetch(base + '/device?user_code=' + encodeURIComponent(userCode));
    if (!claimed.ok) throw new Error('the code was not accepted (' + claimed.status + ')');
    await call('/device/approve', { userCode });
    document.getElementById('status').textContent = 'Device approved';
  } catch (error) { fail(error); }
});`,
);

const PAGES: Record<string, string> = {
  '/login': LOGIN_PAGE,
  '/consent': CONSENT_PAGE,
  '/device': DEVICE_PAGE,
};

type Auth = ReturnType<typeof createAuth>;
type Database = Record<string, Record<string, unknown>[]>;

/**
 * How tokens are stored (a host may choose): SHA-256, so the tests can find a
 * token's record without presenting it. Better Auth's introspection answers
 * only the client a token was issued to, and a public client cannot
 * authenticate there.
 */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function createAuth(origin: string, secret: string, database: Database) {
  const clientIds = [PUBLIC_CLIENT, CONFIDENTIAL_CLIENT];
  return betterAuth({
    baseURL: origin,
    basePath: BASE_PATH,
    secret,
    database: memoryAdapter(database),
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      jwt(),
      oauthProvider({
        loginPage: '/login',
        consentPage: '/consent',
        grantTypes: GRANTS as never,
        storeTokens: { hash: tokenHash },
        // Clients are created in this order; a host chooses its ids this way.
        generateClientId: () => clientIds.shift() ?? randomBytes(16).toString('hex'),
      }),
      oauthDeviceAuthorization({ verificationUri: '/device', interval: '1s' }),
    ],
  });
}

/**
 * Better Auth 1.7 with `@better-auth/oauth-provider` (TypeScript, in this
 * process) on 127.0.0.1, set up as its documentation says: the JWT plugin
 * (EdDSA-signed ID tokens), the OAuth provider (OIDC, RFC 9207 `iss`, strict
 * client-authentication methods, refresh-token rotation with family
 * revocation, RFC 7009, RFC 7662), the RFC 8628 device grant, its memory
 * adapter, RFC 8414 metadata at the root as a host must serve it, and the
 * login, consent and device pages a host provides. The user and the clients
 * are created through its server API, as an administrator would.
 */
export class BetterAuthServer implements InteropProvider {
  readonly name = 'Better Auth 1.7';
  readonly scopes = 'openid email offline_access';
  readonly userEmail = USER.email;
  readonly offersOfflineAccess = true;
  readonly rotatesConfidentialRefreshTokens = true;
  readonly revokesForPublicClients = true;
  readonly publicClient = { id: PUBLIC_CLIENT };
  readonly confidentialClient: { id: string; secret: string };
  readonly #server: Server;
  readonly #origin: string;
  readonly #password: string;
  readonly #database: Database;

  private constructor(
    server: Server,
    origin: string,
    password: string,
    confidential: { id: string; secret: string },
    database: Database,
  ) {
    this.#server = server;
    this.#origin = origin;
    this.#password = password;
    this.confidentialClient = confidential;
    this.#database = database;
  }

  /** Starts a fresh server with one user and the clients. */
  static async start(): Promise<BetterAuthServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const database: Database = {};
      const auth = createAuth(origin, randomBytes(32).toString('base64url'), database);
      // The memory adapter needs a table for every model before the first request.
      for (const table of Object.values((await auth.$context).tables))
        database[table.modelName] ??= [];
      server.on('request', hostApplication(auth, origin));
      const password = randomBytes(12).toString('base64url');
      const admin = await signIn(auth, password);
      const create = (body: Record<string, unknown>) =>
        auth.api.adminCreateOAuthClient({
          body: {
            application_type: 'native',
            redirect_uris: [LOOPBACK_REDIRECT],
            response_types: ['code'],
            grant_types: GRANTS,
            ...body,
          },
          headers: admin,
        });
      await create({ client_name: 'Claude auth (public)', token_endpoint_auth_method: 'none' });
      const confidential = await create({
        client_name: 'Claude auth (confidential)',
        token_endpoint_auth_method: 'client_secret_basic',
      });
      return new BetterAuthServer(
        server,
        origin,
        password,
        { id: confidential.client_id, secret: confidential.client_secret as string },
        database,
      );
    } catch (error) {
      server.closeAllConnections();
      server.close();
      throw error;
    }
  }

  get issuer(): string {
    return `${this.#origin}${BASE_PATH}`;
  }

  get endpoints() {
    return {
      authorize: `${this.issuer}/oauth2/authorize`,
      token: `${this.issuer}/oauth2/token`,
      revocation: `${this.issuer}/oauth2/revoke`,
      device: `${this.issuer}/device/code`,
    };
  }

  async redirectUri(): Promise<string> {
    return 'http://127.0.0.1:0/callback';
  }

  /** Signs in on the host's login page, allows on its consent page, continues to the client. */
  async signIn(page: Page, authorizationUrl: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(authorizationUrl);
    await page.waitForURL((url) => url.pathname === '/login');
    await this.#fillSignIn(page);
    await page.waitForURL((url) => url.pathname === '/consent' || url.origin !== this.#origin);
    if (new URL(page.url()).pathname === '/consent')
      await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.origin !== this.#origin);
  }

  /** Signs in on the host's device page, then approves the code it was opened with. */
  async approveDevice(context: BrowserContext, verificationUrl: string): Promise<void> {
    const page = await context.newPage();
    await context.clearCookies();
    await page.goto(verificationUrl);
    await this.#fillSignIn(page);
    await page.getByText('Signed in').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Device approved').waitFor();
    await page.close();
  }

  async #fillSignIn(page: Page): Promise<void> {
    await page.getByLabel('Email').fill(USER.email);
    await page.getByLabel('Password').fill(this.#password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async accessTokenActive(token: string): Promise<boolean> {
    return this.#live('oauthAccessToken', token);
  }

  async refreshTokenActive(token: string): Promise<boolean> {
    return this.#live('oauthRefreshToken', token);
  }

  /** Whether the server's record of a token says it is live: present, not revoked, not expired. */
  #live(model: 'oauthAccessToken' | 'oauthRefreshToken', token: string): boolean {
    const record = this.#database[model]?.find((row) => row.token === tokenHash(token));
    return (
      record !== undefined &&
      !record.revoked &&
      record.expiresAt instanceof Date &&
      record.expiresAt.getTime() > Date.now()
    );
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** Signs the test user up and in; returns the session cookie an administrator's requests carry. */
async function signIn(auth: Auth, password: string): Promise<Headers> {
  await auth.api.signUpEmail({ body: { ...USER, password } });
  const session = await auth.api.signInEmail({
    body: { email: USER.email, password },
    returnHeaders: true,
  });
  const cookie = session.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  return new Headers({ cookie });
}

/** The host application: its pages, RFC 8414 metadata at the root, Better Auth under its base path. */
function hostApplication(auth: Auth, origin: string) {
  const handler = toNodeHandler(auth);
  const metadata = oauthProviderAuthServerMetadata(auth);
  return async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    const html = PAGES[path];
    if (html !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    // RFC 8414 §3: the metadata of issuer …/api/auth lives at /.well-known/oauth-authorization-server/api/auth.
    if (path === `/.well-known/oauth-authorization-server${BASE_PATH}`) {
      const answer = await metadata(new Request(new URL(path, origin)));
      response
        .writeHead(answer.status, Object.fromEntries(answer.headers))
        .end(await answer.text());
      return;
    }
    await handler(request, response);
  };
}
