// Every screen at a phone's 360 px: nothing scrolls sideways (WCAG 1.4.10
// reflow), and in Persian no Latin words appear where a person reads (names,
// not codes; Persian digits), on every route each role reaches.
import { expect, test, LoginPage, registerOverApi } from '../pages/app';
import type { Page } from '@playwright/test';

const PHONE = { width: 360, height: 740 };

/** Latin words a Persian page may show: the switch to English is named in
 * its own language, as language switches are. (Admin screens list the
 * codes and usernames admins type; those are checked for reflow only.) */
const LATIN_WORD = /[A-Za-z]{2,}/g;
const ALLOWED = new Set(['English']);

async function settle(page: Page, route: string) {
  await page.goto(route);
  await page.waitForLoadState('networkidle');
  // Pages render after their data: wait for the loading placeholders to go.
  await expect(page.locator('.content .muted', { hasText: 'در حال بارگذاری' })).toHaveCount(0);
}

async function horizontalOverflow(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function latinWords(page: Page) {
  // Addresses (marked data-latin-ok, like the receipt's tracking link) are Latin by nature.
  const text = await page.evaluate(() => {
    let all = document.body.innerText;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-latin-ok]'))) {
      all = all.split(el.innerText).join(' ');
    }
    return all;
  });
  return Array.from(new Set(text.match(LATIN_WORD) ?? [])).filter((word) => !ALLOWED.has(word));
}

async function checkRoutes(page: Page, routes: string[], { persianOnly }: { persianOnly: boolean }) {
  await page.setViewportSize(PHONE);
  for (const route of routes) {
    await settle(page, route);
    expect(await horizontalOverflow(page), `${route} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
    if (persianOnly) expect(await latinWords(page), `Latin words on ${route}`).toEqual([]);
  }
  // The folded menu opens and its links fit too.
  await page.getByTestId('menu-toggle').click();
  await expect(page.locator('#main-nav')).toBeVisible();
  expect(await horizontalOverflow(page), 'the open menu scrolls sideways').toBeLessThanOrEqual(0);
}

const letter = {
  applicant: { kind: 'natural', national_id: '0499370899', first_name: 'علی', last_name: 'رضایی', mobile: '09121234567' },
  recipient_agency_code: 'water',
  subject: 'بررسی قبض آب',
  body: 'مبلغ قبض آب این ماه بیش از حد معمول است.',
};

test('public pages fit a phone and read in Persian', async ({ page }) => {
  await checkRoutes(page, ['/', '/track', '/login', '/no/such/page'], { persianOnly: true });
});

/** Logs `username` in on a phone-sized page; answers the page it lands on. */
async function onPhoneAs(page: Page, username: string) {
  await page.setViewportSize(PHONE);
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(username);
  await expect(page).not.toHaveURL(/\/login/);
}

test('the operator’s screens fit a phone and read in Persian', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', letter);
  await onPhoneAs(page, 'op-bnd-1021');
  const routes = ['/letters/new', '/letters', `/letters/${id}`, `/letters/${id}/receipt`, '/dashboard'];
  await checkRoutes(page, routes, { persianOnly: true });
});

test('the clerk’s screens fit a phone and read in Persian', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', letter);
  await onPhoneAs(page, 'clerk-water');
  await checkRoutes(page, ['/inbox', '/letters', `/letters/${id}`, '/dashboard'], { persianOnly: true });
});

test('the admin’s screens fit a phone', async ({ page }) => {
  await onPhoneAs(page, 'admin');
  await checkRoutes(
    page,
    [
      '/dashboard',
      '/letters',
      '/admin/agencies',
      '/admin/offices',
      '/admin/users',
      '/admin/clients',
      '/admin/sms',
      '/admin/sms-templates',
      '/admin/holidays',
    ],
    { persianOnly: false },
  );
});
