import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  basicAuth,
  freeLoopbackPort,
  type InteropProvider,
  postForm,
  runSqlite,
  sqlText,
  startServerProcess,
  stopServerProcess,
} from './interop-provider.js';

const GLEWLWYD = '/usr/bin/glewlwyd';
/** The Debian package's schema and its default admin (password "password"). */
const SCHEMA = '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3';
const WEBAPP = '/usr/share/glewlwyd/webapp';
const WEBAPP_CONFIG = '/usr/share/glewlwyd/templates/config.json';
const MODULES = '/usr/lib/glewlwyd';

/** glewlwyd's plugin instance name: its endpoints live under /api/PLUGIN. */
const PLUGIN = 'oidc';
const USER = { login: 'alice', name: 'Alice Example', email: 'alice@example.test' } as const;
const PUBLIC_CLIENT = 'claude-auth-native';
/**
 * A dash in the id: glewlwyd does not decode percent-encoded Basic credentials,
 * so `cli%2Dconf` (oauth4webapi's own encoding) is refused (403); RFC 6749
 * §2.3.1's form-encoding leaves `-` as it is, and claude-auth sends it so
 * (issue 12, gap 3; issue 20).
 */
const CONFIDENTIAL_CLIENT = 'cli-conf';
const RESOURCE_SERVER = 'resourceserver';
const INTROSPECT_SCOPE = 'introspect';

/**
 * Debian's glewlwyd 2.7 (C) on 127.0.0.1 with a temporary SQLite database,
 * configured the way an administrator would: its OpenID Connect plugin at
 * `/api/oidc` (discovery, PKCE, one-time-use rotating refresh tokens,
 * revocation and introspection, the device grant), a public native client,
 * a confidential one, a resource server allowed to introspect, and one user.
 *
 * glewlwyd matches redirect URIs exactly (no loopback port wildcard), so each
 * login registers its own fixed loopback URI ({@link redirectUri}).
 */
export class GlewlwydServer implements InteropProvider {
  readonly name = 'glewlwyd 2.7';
  readonly scopes = 'openid email';
  readonly userEmail = USER.email;
  readonly offersOfflineAccess = true;
  readonly rotatesConfidentialRefreshTokens = true;
  readonly revokesForPublicClients = false;
  readonly publicClient = { id: PUBLIC_CLIENT };
  readonly confidentialClient: { id: string; secret: string };
  readonly #child: ChildProcess;
  readonly #output: () => string;
  readonly #dir: string;
  readonly #database: string;
  readonly #origin: string;
  readonly #resourceServerSecret: string;
  readonly #userPassword: string;

  private constructor(
    child: ChildProcess,
    output: () => string,
    dir: string,
    origin: string,
    secrets: Secrets,
  ) {
    this.#child = child;
    this.#output = output;
    this.#dir = dir;
    this.#database = join(dir, 'glewlwyd.db');
    this.#origin = origin;
    this.confidentialClient = { id: CONFIDENTIAL_CLIENT, secret: secrets.confidential };
    this.#resourceServerSecret = secrets.resourceServer;
    this.#userPassword = secrets.user;
  }

  /** Starts a fresh server; ready in about a second. */
  static async start(): Promise<GlewlwydServer> {
    const dir = await mkdtemp(join(tmpdir(), 'claude-auth-glewlwyd-'));
    try {
      await copyWebapp(join(dir, 'webapp'));
      const secrets = {
        confidential: randomBytes(24).toString('base64url'),
        resourceServer: randomBytes(24).toString('base64url'),
        user: randomBytes(12).toString('base64url'),
      };
      // The port must be chosen before the process starts (the issuer is in the
      // database); if another process takes it meanwhile, glewlwyd exits and we try another.
      for (let attempt = 1; ; attempt++) {
        const port = await freeLoopbackPort();
        const origin = `http://127.0.0.1:${port}`;
        await rm(join(dir, 'glewlwyd.db'), { force: true });
        await runSqlite(
          join(dir, 'glewlwyd.db'),
          (await readFile(SCHEMA, 'utf8')) + seedSql(origin, secrets),
        );
        await writeFile(join(dir, 'glewlwyd.conf'), configFile(dir, port));
        try {
          const { child, output } = await startServerProcess(
            GLEWLWYD,
            ['-c', join(dir, 'glewlwyd.conf')],
            { ready: /Glewlwyd started on port/ },
          );
          return new GlewlwydServer(child, output, dir, origin, secrets);
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** What glewlwyd has logged so far, for failure messages. */
  get log(): string {
    return this.#output();
  }

  get issuer(): string {
    return `${this.#origin}/api/${PLUGIN}`;
  }

  get endpoints() {
    return {
      authorize: `${this.issuer}/auth`,
      token: `${this.issuer}/token`,
      revocation: `${this.issuer}/revoke`,
      device: `${this.issuer}/device_authorization`,
    };
  }

  /** Registers a fresh fixed loopback redirect URI for both clients, as an admin would. */
  async redirectUri(): Promise<string> {
    const uri = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
    await runSqlite(
      this.#database,
      `INSERT INTO g_client_property (gc_id, gcp_name, gcp_value)
         SELECT gc_id, 'redirect_uri', ${sqlText(uri)} FROM g_client
         WHERE gc_client_id IN (${sqlText(PUBLIC_CLIENT)}, ${sqlText(CONFIDENTIAL_CLIENT)});`,
    );
    return uri;
  }

  /** Signs in on glewlwyd's login page, grants every scope asked for, continues to the client. */
  async signIn(page: Page, authorizationUrl: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(authorizationUrl);
    await signInOnLoginPage(page, this.#userPassword);
    await page.locator('button[title="Continue to client application"]').click();
    await page.waitForURL((url) => url.origin !== this.#origin);
  }

  /** Acts as the user on glewlwyd's device pages: the code (prefilled by the complete URI), sign-in, grant. */
  async approveDevice(context: BrowserContext, verificationUrl: string): Promise<void> {
    const page = await context.newPage();
    await context.clearCookies();
    await page.goto(verificationUrl);
    await signInOnLoginPage(page, this.#userPassword);
    await page.locator('button[title="Continue to client application"]').click();
    await page.getByText('Authorization complete').waitFor();
    await page.close();
  }

  async accessTokenActive(token: string): Promise<boolean> {
    return (await this.#introspect(token, 'access_token')).active === true;
  }

  async refreshTokenActive(token: string): Promise<boolean> {
    return (await this.#introspect(token, 'refresh_token')).active === true;
  }

  /** RFC 7662 introspection as a resource server: a client-credentials token with the introspect scope. */
  async #introspect(token: string, hint: string): Promise<Record<string, unknown>> {
    const grant = await postForm(
      `${this.issuer}/token`,
      { grant_type: 'client_credentials', scope: INTROSPECT_SCOPE },
      { authorization: basicAuth(RESOURCE_SERVER, this.#resourceServerSecret) },
    );
    const bearer = grant.body?.access_token;
    if (typeof bearer !== 'string')
      throw new Error(
        `glewlwyd: no introspection token (${grant.status}); log:\n${this.log.slice(-2000)}`,
      );
    const answer = await postForm(
      `${this.issuer}/introspect`,
      { token, token_type_hint: hint },
      { authorization: `Bearer ${bearer}` },
    );
    if (answer.status !== 200 || answer.body === null)
      throw new Error(
        `glewlwyd introspection answered ${answer.status}; log:\n${this.log.slice(-2000)}`,
      );
    return answer.body;
  }

  async close(): Promise<void> {
    await stopServerProcess(this.#child);
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** On glewlwyd's login page (reached from /auth or /device): password, then the scope grant if asked. */
async function signInOnLoginPage(page: Page, password: string): Promise<void> {
  await page.getByPlaceholder('Your username').fill(USER.login);
  await page.getByPlaceholder('Your password').fill(password);
  await page.getByRole('button', { name: 'OK' }).click();
  const next = page.locator('button', { hasText: /^\s*(Grant access|Continue)\s*$/ }).first();
  await next.waitFor();
  if (((await next.textContent()) ?? '').includes('Grant')) {
    // A scope the user has not granted this client yet is an unchecked box.
    const unchecked = page.locator('input[type=checkbox]:not(:checked):not(:disabled)');
    while ((await unchecked.count()) > 0) await unchecked.first().check();
    await page.getByRole('button', { name: 'Grant access' }).click();
  }
}

/** The login web app, minus Debian's broken config.json link (it points at a directory). */
async function copyWebapp(target: string): Promise<void> {
  // glewlwyd serves static files only from inside its directory, so copy, dereferenced.
  await cp(WEBAPP, target, {
    recursive: true,
    dereference: true,
    filter: (source) => basename(source) !== 'config.json',
  });
  await writeFile(join(target, 'config.json'), await readFile(WEBAPP_CONFIG));
}

function configFile(dir: string, port: number): string {
  const mime = [
    ['.html', 'text/html'],
    ['.css', 'text/css'],
    ['.js', 'application/javascript'],
    ['.json', 'application/json'],
    ['.png', 'image/png'],
    ['.ico', 'image/x-icon'],
    ['.woff', 'font/woff'],
    ['.woff2', 'font/woff2'],
    ['.ttf', 'font/ttf'],
  ]
    .map(([extension, type]) => `  { extension = "${extension}" mime_type = "${type}" }`)
    .join(',\n');
  return `port=${port}
bind_address="127.0.0.1"
external_url="http://127.0.0.1:${port}"
login_url="login.html"
api_prefix="api"
static_files_path="${join(dir, 'webapp')}/"
allow_origin="*"
log_mode="console"
log_level="${process.env.GLEWLWYD_LOG_LEVEL ?? 'INFO'}"
cookie_secure=0
cookie_same_site="empty"
session_expiration=86400
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="${MODULES}/user"
client_module_path="${MODULES}/client"
user_auth_scheme_module_path="${MODULES}/scheme"
plugin_module_path="${MODULES}/plugin"
hash_algorithm="SHA512"
database = { type = "sqlite3" path = "${join(dir, 'glewlwyd.db')}" }
static_files_mime_types = (
${mime}
)
`;
}

interface Secrets {
  confidential: string;
  resourceServer: string;
  user: string;
}

/**
 * A password as glewlwyd's database modules store it on SQLite:
 * base64(PBKDF2-HMAC-SHA256(password, salt, N, 32) ‖ salt) followed by ",N",
 * with a 16-character salt.
 */
function passwordHash(password: string): string {
  const iterations = 1000;
  const salt = randomBytes(12).toString('base64url').slice(0, 16);
  const digest = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return `${Buffer.concat([digest, Buffer.from(salt)]).toString('base64')},${iterations}`;
}

function seedSql(origin: string, secrets: Secrets): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const plugin = {
    iss: `${origin}/api/${PLUGIN}`,
    'jwt-type': 'rsa',
    'jwt-key-size': '256',
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: publicKey.export({ type: 'spki', format: 'pem' }),
    'access-token-duration': 3600,
    'refresh-token-duration': 86400,
    'code-duration': 600,
    'refresh-token-rolling': true,
    'refresh-token-one-use': 'always',
    // Needed for the resource server's client-credentials grant.
    'allow-non-oidc': true,
    'auth-type-code-enabled': true,
    'auth-type-code-revoke-replayed': true,
    'auth-type-token-enabled': false,
    'auth-type-none-enabled': false,
    'auth-type-password-enabled': false,
    'auth-type-client-enabled': true,
    'auth-type-refresh-enabled': true,
    'auth-type-device-enabled': true,
    'device-authorization-expiration': 600,
    'device-authorization-interval': 1,
    'introspection-revocation-allowed': true,
    'introspection-revocation-allow-target-client': true,
    'introspection-revocation-auth-scope': [INTROSPECT_SCOPE],
    'pkce-allowed': true,
    'pkce-method-plain-allowed': false,
    'oauth-as-iss-id': true,
    'subject-type': 'public',
    'name-claim': 'mandatory',
    'email-claim': 'mandatory',
    scope: [],
  };
  const client = (id: string) => `(SELECT gc_id FROM g_client WHERE gc_client_id = ${sqlText(id)})`;
  const user = `(SELECT gu_id FROM g_user WHERE gu_username = ${sqlText(USER.login)})`;
  const property = (id: string, name: string, value: string) =>
    `INSERT INTO g_client_property (gc_id, gcp_name, gcp_value) VALUES (${client(id)}, ${sqlText(name)}, ${sqlText(value)});`;
  const userClients = [PUBLIC_CLIENT, CONFIDENTIAL_CLIENT];
  return `
INSERT INTO g_plugin_module_instance (gpmi_module, gpmi_name, gpmi_display_name, gpmi_parameters)
  VALUES ('oidc', ${sqlText(PLUGIN)}, 'OpenID Connect', ${sqlText(JSON.stringify(plugin))});
INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required) VALUES
  ('email', 'Email', 'Your email address', 1),
  ('offline_access', 'Offline access', 'Refresh tokens', 1);
UPDATE g_scope SET gs_password_required = 1 WHERE gs_name = 'openid';
INSERT INTO g_user (gu_username, gu_name, gu_email, gu_enabled)
  VALUES (${sqlText(USER.login)}, ${sqlText(USER.name)}, ${sqlText(USER.email)}, 1);
INSERT INTO g_user_password (gu_id, guw_password) VALUES (${user}, ${sqlText(passwordHash(secrets.user))});
INSERT INTO g_user_scope (gus_name) VALUES ('openid'), ('email'), ('offline_access');
INSERT INTO g_user_scope_user (gu_id, gus_id)
  SELECT ${user}, gus_id FROM g_user_scope WHERE gus_name IN ('openid', 'email', 'offline_access');
INSERT INTO g_client (gc_client_id, gc_name, gc_confidential, gc_password, gc_enabled) VALUES
  (${sqlText(PUBLIC_CLIENT)}, 'Claude auth (public)', 0, NULL, 1),
  (${sqlText(CONFIDENTIAL_CLIENT)}, 'Claude auth (confidential)', 1, ${sqlText(passwordHash(secrets.confidential))}, 1),
  (${sqlText(RESOURCE_SERVER)}, 'Resource server', 1, ${sqlText(passwordHash(secrets.resourceServer))}, 1);
${userClients
  .flatMap((id) =>
    ['code', 'refresh_token', 'device_authorization'].map((type) =>
      property(id, 'authorization_type', type),
    ),
  )
  .join('\n')}
${property(PUBLIC_CLIENT, 'token_endpoint_auth_method', 'none')}
${property(CONFIDENTIAL_CLIENT, 'token_endpoint_auth_method', 'client_secret_basic')}
${property(CONFIDENTIAL_CLIENT, 'token_endpoint_auth_method', 'client_secret_post')}
${property(RESOURCE_SERVER, 'authorization_type', 'client_credentials')}
${property(RESOURCE_SERVER, 'token_endpoint_auth_method', 'client_secret_basic')}
INSERT INTO g_client_scope (gcs_name) VALUES (${sqlText(INTROSPECT_SCOPE)});
INSERT INTO g_client_scope_client (gc_id, gcs_id)
  SELECT ${client(RESOURCE_SERVER)}, gcs_id FROM g_client_scope WHERE gcs_name = ${sqlText(INTROSPECT_SCOPE)};
INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required)
  VALUES (${sqlText(INTROSPECT_SCOPE)}, 'Introspection', 'Resource servers', 0);
`;
}
