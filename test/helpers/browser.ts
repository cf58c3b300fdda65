import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { isLoopbackHost } from '../../src/oauth/loopback.js';
import { TEST_USER } from './oidc-server.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium, headless, with a fresh profile; every request that would
 * leave loopback is aborted and recorded.
 */
export class TestBrowser {
  readonly context: BrowserContext;
  /** Non-loopback URLs the pages tried to load (aborted). */
  readonly blocked: string[] = [];
  /** Every URL requested, in order. */
  readonly requested: string[] = [];
  readonly #profile: string;

  private constructor(context: BrowserContext, profile: string) {
    this.context = context;
    this.#profile = profile;
  }

  static async launch(): Promise<TestBrowser> {
    const profile = await mkdtemp(join(tmpdir(), 'claude-auth-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    const browser = new TestBrowser(context, profile);
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      browser.requested.push(url.href);
      if (isLoopbackHost(url.hostname)) return route.continue();
      browser.blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    return browser;
  }

  async close(): Promise<void> {
    await this.context.close();
    await rm(this.#profile, { recursive: true, force: true });
  }
}

/** What the user does on the provider's pages. */
export interface SignInChoices {
  /** Approve (default) or deny on the consent page. */
  consent?: 'approve' | 'deny';
}

/**
 * Acts as the user on oidc-provider's development pages: signs in as the test
 * user and answers the consent prompt. Resolves with the page once the
 * browser has left the provider (reached the loopback redirect or its page).
 */
export async function signInAsUser(
  page: Page,
  url: string,
  choices: SignInChoices = {},
): Promise<Page> {
  // Each login starts signed out at the provider, as a new user would.
  await page.context().clearCookies();
  await page.goto(url);
  await page.locator('input[name=login]').fill(TEST_USER.login);
  await page.locator('input[name=password]').fill('any-password');
  await page.locator('button[type=submit]').click();
  await page.waitForURL(/\/interaction\//);
  if (choices.consent === 'deny') {
    // The dev consent page has only "Continue"; a denial is the /abort link of the interaction.
    await page.goto(`${page.url().replace(/\/$/, '')}/abort`);
  } else {
    await page.locator('button[type=submit]').click();
  }
  return page;
}

/**
 * Acts as the user on oidc-provider's device pages: opens the verification
 * link, confirms the code shown in the terminal, signs in and consents.
 */
export async function approveDeviceCode(
  context: BrowserContext,
  verificationUrl: string,
): Promise<void> {
  const page = await context.newPage();
  await page.context().clearCookies();
  await page.goto(verificationUrl);
  await page.locator('button[type=submit]').first().click();
  await page.locator('input[name=login]').fill(TEST_USER.login);
  await page.locator('input[name=password]').fill('any-password');
  await page.locator('button[type=submit]').click();
  await page.locator('button[type=submit]').click();
  await page.getByText('Sign-in Success').waitFor();
}
