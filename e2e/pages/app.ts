// Page objects: the SPA's screens by their data-testid locators.
import { APIRequestContext, expect, Page, test as base } from '@playwright/test';

/**
 * Every test's page fails the test if the browser refused anything under the
 * Content-Security-Policy (a blocked script, style or request).
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) refused.push(message.text());
    });
    await use(page);
    expect(refused, 'Content-Security-Policy violations').toEqual([]);
  },
});
export { expect };

export const DEMO_PASSWORD = 'chapar-demo';

/** Access tokens of demo users, one login each (logins are rate limited). */
const tokens = new Map<string, string>();

/** Registers a letter over the API as a demo operator, so a test stands alone.
 * `fresh`: log in for this letter only (the short-lived server's tokens do not keep). */
export async function registerOverApi(
  request: APIRequestContext,
  operator: string,
  letter: { applicant: Record<string, string>; recipient_agency_code: string; subject: string; body: string },
  { fresh = false } = {},
) {
  if (fresh || !tokens.has(operator)) {
    const auth = await request.post('/api/v1/auth/login', { data: { username: operator, password: DEMO_PASSWORD } });
    expect(auth.status()).toBe(200);
    tokens.set(operator, (await auth.json()).access_token);
  }
  const access_token = tokens.get(operator);
  if (fresh) tokens.delete(operator);
  const created = await request.post('/api/v1/letters', {
    headers: { Authorization: `Bearer ${access_token}` },
    data: letter,
  });
  expect(created.status()).toBe(201);
  return created.json();
}

export class LoginPage {
  constructor(private page: Page) {}

  async open() {
    await this.page.goto('/login');
  }

  async logIn(username: string, password = DEMO_PASSWORD) {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }
}

export class Header {
  constructor(private page: Page) {}

  currentUser() {
    return this.page.getByTestId('current-user');
  }

  async logOut() {
    await this.page.getByTestId('logout').click();
    await expect(this.page).toHaveURL(/\/login$/);
  }
}
