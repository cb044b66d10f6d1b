// Sessions in a real browser, on a server whose access tokens live 3
// seconds: a page that wakes up with an expired token refreshes once for all
// its parallel requests and stays logged in; a session the server has ended
// is said so in Persian, and logging in again returns to the same page.
import { Page } from '@playwright/test';
import { expect, test, Header, LoginPage, registerOverApi } from '../pages/app';
import { shortPort } from '../playwright.config';

test.use({ baseURL: `http://127.0.0.1:${shortPort}` });

/** The SPA's stored session (access and refresh token). */
async function storedSession(page: Page): Promise<{ access_token: string; refresh_token: string }> {
  const raw = await page.evaluate(() => window.localStorage.getItem('chapar.session'));
  expect(raw, 'a stored session').toBeTruthy();
  return JSON.parse(raw as string);
}

/** Waits until the server refuses the page's current access token. */
async function untilAccessExpires(page: Page) {
  const { access_token } = await storedSession(page);
  await expect
    .poll(async () => (await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${access_token}` } })).status(), {
      timeout: 15_000,
      intervals: [250],
    })
    .toBe(401);
}

test('an expired access token is refreshed once for a page of parallel requests', async ({ page }) => {
  // A letter to open (over the API, with this server's own short-lived token).
  const letter = await registerOverApi(
    page.request,
    'op-bnd-1021',
    {
      applicant: { kind: 'natural', national_id: '1234567891', first_name: 'مریم', last_name: 'حسینی', mobile: '09121234567' },
      recipient_agency_code: 'water',
      subject: 'درخواست انشعاب آب',
      body: 'متن نامه',
    },
    { fresh: true },
  );
  const refreshes: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/auth/refresh')) refreshes.push(request.url());
  });
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('admin');
  await expect(page).toHaveURL(/\/admin\/agencies$/);

  await page.getByTestId('nav-letters').click();
  const row = page.getByTestId(`letter-row-${letter.tracking_code}`);
  await expect(row).toBeVisible();

  // Back after a break: the letter page's parallel requests all meet an
  // expired token, and share one refresh.
  await untilAccessExpires(page);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/letters/${letter.id}$`));
  await expect(page.getByText('درخواست انشعاب آب').first()).toBeVisible();
  await expect(new Header(page).currentUser()).toHaveText('مدیر سامانه');
  expect(refreshes.length, 'one refresh for the page').toBe(1);

  await untilAccessExpires(page);
  await page.getByTestId('nav-users').click();
  await expect(page.getByTestId('user-row-op-bnd-1021')).toBeVisible();
  await expect(new Header(page).currentUser()).toHaveText('مدیر سامانه');
  expect(refreshes.length, 'the users page shares one refresh among its requests').toBe(2);
});

test('a session the server ended sends the user to log in, and back to the same page', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('admin');
  await expect(page).toHaveURL(/\/admin\/agencies$/);
  // Logged out elsewhere (the refresh token revoked), then the access token expires.
  const { refresh_token } = await storedSession(page);
  expect((await page.request.post('/api/v1/auth/logout', { data: { refresh_token } })).status()).toBe(204);
  await untilAccessExpires(page);

  await page.getByTestId('nav-users').click();
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
  await expect(page.getByTestId('session-ended')).toContainText('نشست شما به پایان رسید');
  await expect(page.getByTestId('current-user')).toHaveCount(0);
  await login.logIn('admin');
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId('user-row-op-bnd-1021')).toBeVisible();
});
