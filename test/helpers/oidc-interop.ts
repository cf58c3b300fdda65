import type { BrowserContext, Page } from 'playwright-core';
import { approveDeviceCode, signInAsUser } from '../../fixtures/browser.js';
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  NATIVE_CLIENT_ID,
  OidcServer,
  TEST_USER,
} from '../../fixtures/oidc-server.js';
import type { InteropProvider } from './interop-provider.js';

/** oidc-provider (the server the engine was written against) seen through the interop interface. */
export class OidcProviderInterop implements InteropProvider {
  readonly name = 'oidc-provider 9';
  readonly scopes = 'openid email offline_access';
  readonly userEmail = TEST_USER.email;
  /** Its default rotateRefreshToken policy rotates for public clients only. */
  readonly offersOfflineAccess = true;
  readonly rotatesConfidentialRefreshTokens = false;
  readonly revokesForPublicClients = true;
  readonly publicClient = { id: NATIVE_CLIENT_ID };
  readonly confidentialClient = { id: CONFIDENTIAL_CLIENT_ID, secret: CONFIDENTIAL_CLIENT_SECRET };
  readonly #server: OidcServer;

  private constructor(server: OidcServer) {
    this.#server = server;
  }

  static async start(): Promise<OidcProviderInterop> {
    return new OidcProviderInterop(await OidcServer.start());
  }

  get issuer(): string {
    return this.#server.issuer;
  }

  get endpoints() {
    return {
      authorize: `${this.issuer}/auth`,
      token: `${this.issuer}/token`,
      revocation: `${this.issuer}/token/revocation`,
      device: `${this.issuer}/device/auth`,
    };
  }

  /** Native clients match loopback redirects on any port. */
  async redirectUri(): Promise<string> {
    return 'http://127.0.0.1:0/callback';
  }

  async signIn(page: Page, authorizationUrl: string): Promise<void> {
    await signInAsUser(page, authorizationUrl);
    await page.waitForURL((url) => url.origin !== new URL(this.issuer).origin);
  }

  approveDevice(context: BrowserContext, verificationUrl: string): Promise<void> {
    return approveDeviceCode(context, verificationUrl);
  }

  async accessTokenActive(token: string): Promise<boolean> {
    return (await this.#server.introspect(token)).active;
  }

  async refreshTokenActive(token: string): Promise<boolean> {
    return (await this.#server.introspect(token)).active;
  }

  close(): Promise<void> {
    return this.#server.close();
  }
}
