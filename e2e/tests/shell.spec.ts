import { expect, test, LoginPage } from '../pages/app';
// The SPA shell: Persian right-to-left by default, an English switch that is
// remembered, the server's status fetched from the API, and a not-found page.

test('the Persian RTL shell renders; citizens get the tracking form, admins the server status', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await expect(page.getByTestId('app-name')).toHaveText('چاپار');
  await expect(page.getByTestId('track-code')).toBeVisible();
  await expect(page.getByTestId('server-status')).toHaveCount(0);

  const login = new LoginPage(page);
  await login.open();
  await login.logIn('admin');
  await expect(page).not.toHaveURL(/\/login$/);
  await page.goto('/');
  const status = page.getByTestId('server-status');
  await expect(status.locator('[data-status="ok"]')).toHaveText('سامانه در دسترس است');
  await expect(page.getByTestId('server-database')).toHaveText('sqlite');
});

test('switching to English flips the layout and is remembered', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('app-name')).toHaveText('چاپار');
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByTestId('app-name')).toHaveText('Chapar');
  await expect(page.getByTestId('welcome-title')).toHaveText('A letter to any agency, from the nearest counter office');

  await page.reload();
  await expect(page.getByTestId('app-name')).toHaveText('Chapar');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('app-name')).toHaveText('چاپار');
});

test('an unknown address shows the not-found page, not a blank screen', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByTestId('not-found')).toContainText('صفحه پیدا نشد');
});

test('the first Tab reaches a skip link, and a navigation moves the focus to the new page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('welcome-title')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.getByTestId('nav-login').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('main h1')).toBeFocused();
  // The tracking page is the server's own page: the focus starts in its first field.
  await page.getByTestId('nav-track').click();
  await expect(page).toHaveURL(/\/track$/);
  await expect(page.getByTestId('track-code')).toBeFocused();
});

test('the SPA and the public tracking page show a favicon, and nothing they load is missing', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  for (const path of ['/', '/track']) {
    await page.goto(path);
    await expect(page.getByTestId('app-name')).toBeVisible();
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/assets/favicon.svg');
    const icon = await page.request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('image/svg+xml');
  }
  expect(missing).toEqual([]);
});

test('Persian text is drawn in the served Persian font, cut to the characters Persian uses', async ({ page }) => {
  const fonts = new Set<string>();
  page.on('response', (r) => {
    if (r.url().endsWith('.woff2')) fonts.add(r.url());
  });
  for (const path of ['/', '/track']) {
    await page.goto(path);
    await expect(page.getByTestId('app-name')).toHaveText('چاپار');
    // Every face of the page's Persian text has loaded: it is drawn in Vazirmatn.
    const loaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts]
        .filter((f) => f.family.replace(/"/g, '') === 'Vazirmatn' && f.status === 'loaded')
        .map((f) => f.unicodeRange);
    });
    expect(loaded.length).toBeGreaterThan(0);
    // The stylesheet names the characters the build cut the font to (پ گ ی, Persian digits).
    for (const range of loaded.map((r) => r.toUpperCase())) {
      expect(range).toContain('U+67E');
      expect(range).toContain('U+6F0-6F9');
      expect(range).not.toContain('__');
    }
  }
  expect(fonts.size).toBeGreaterThan(0);
  for (const url of fonts) {
    const font = await page.request.get(url);
    expect(font.status()).toBe(200);
    expect((await font.body()).length, url).toBeLessThan(16_000);
  }
});
