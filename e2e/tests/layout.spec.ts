// Every screen at a phone's 360 px: nothing scrolls sideways (WCAG 1.4.10
// reflow), and in Persian no Latin words appear where a person reads (names,
// not codes; Persian digits), on every route each role reaches.
import { expect, test, registerOverApi } from '../pages/app';
import {
  ADMIN_ROUTES,
  PUBLIC_ROUTES,
  SAMPLE_LETTER,
  clerkRoutes,
  logInAs,
  operatorRoutes,
  settle,
} from '../pages/routes';
import type { Page } from '@playwright/test';

const PHONE = { width: 360, height: 740 };

/** Latin words a Persian page may show: the switch to English is named in
 * its own language, as language switches are. (Admin screens list the
 * codes and usernames admins type; those are checked for reflow only.) */
const LATIN_WORD = /[A-Za-z]{2,}/g;
const ALLOWED = new Set(['English']);

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

test('public pages fit a phone and read in Persian', async ({ page }) => {
  await checkRoutes(page, PUBLIC_ROUTES, { persianOnly: true });
});

/** Logs `username` in on a phone-sized page. */
async function onPhoneAs(page: Page, username: string) {
  await page.setViewportSize(PHONE);
  await logInAs(page, username);
}

test('the operator’s screens fit a phone and read in Persian', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', SAMPLE_LETTER);
  await onPhoneAs(page, 'op-bnd-1021');
  await checkRoutes(page, operatorRoutes(id), { persianOnly: true });
});

test('the clerk’s screens fit a phone and read in Persian', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', SAMPLE_LETTER);
  await onPhoneAs(page, 'clerk-water');
  await checkRoutes(page, clerkRoutes(id), { persianOnly: true });
});

test('the admin’s screens fit a phone', async ({ page }) => {
  await onPhoneAs(page, 'admin');
  await checkRoutes(page, ADMIN_ROUTES, { persianOnly: false });
});
