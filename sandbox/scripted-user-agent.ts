// A user agent without a browser, for machines without Chromium: it follows
// the provider's redirects with a cookie jar and submits the development login
// and consent forms of oidc-provider, as a person clicking through would.

const FORM_ACTION = /<form[^>]*action="([^"]+)"/;

/**
 * Signs in at the test provider and follows redirects until the loopback
 * callback has been requested.
 *
 * @param url - The authorization URL the CLI opened.
 * @param login - The test user's login.
 */
export async function signInWithoutBrowser(url: string, login: string): Promise<void> {
  const cookies = new Map<string, string>();
  const request = async (target: URL, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const [name = '', ...value] = pair.split('=');
      cookies.set(name.trim(), value.join('='));
    }
    return response;
  };
  let next = new URL(url);
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const response = await request(
      next,
      body
        ? { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
        : {},
    );
    body = undefined;
    const location = response.headers.get('location');
    if (location !== null) {
      await response.arrayBuffer();
      next = new URL(location, next);
      continue;
    }
    const page = await response.text();
    const action = FORM_ACTION.exec(page)?.[1];
    if (action === undefined) return;
    next = new URL(action.replaceAll('&amp;', '&'), next);
    body = page.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login, password: 'any-password' })
      : new URLSearchParams({ prompt: 'consent' });
  }
}
