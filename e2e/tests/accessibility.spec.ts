// WCAG 2.1 A and AA as axe-core checks them (contrast, labels, names,
// landmarks, table headers, ARIA), on every route each role reaches, on a
// desktop and on a phone screen with the menu folded and open. Any violation
// fails the test, listed with the elements that cause it.
import AxeBuilder from '@axe-core/playwright';
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

const SCREENS = [
  { width: 1366, height: 768 },
  { width: 360, height: 740 },
];
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Every route twice, each analysed: longer than one journey.
test.describe.configure({ timeout: 120_000 });

async function violations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return result.violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 6)
      .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1).join(' ')}`);
    return `${where}: ${v.id} (${v.impact}) ${v.help}\n${nodes.join('\n')}`;
  });
}

async function checkRoutes(page: Page, routes: string[]) {
  const found: string[] = [];
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    for (const route of routes) {
      await settle(page, route);
      found.push(...(await violations(page, `${route} at ${screen.width} px`)));
    }
    if (screen.width < 760) {
      await page.getByTestId('menu-toggle').click();
      await expect(page.locator('#main-nav')).toBeVisible();
      found.push(...(await violations(page, `the open menu at ${screen.width} px`)));
    }
  }
  expect(found, found.join('\n')).toEqual([]);
}

test('public pages pass WCAG 2.1 AA checks', async ({ page }) => {
  await checkRoutes(page, PUBLIC_ROUTES);
});

test('a tracked letter, as the server’s tracking page shows it, passes WCAG 2.1 AA checks', async ({ page, request }) => {
  const { tracking_code } = await registerOverApi(request, 'op-bnd-1021', SAMPLE_LETTER);
  const found: string[] = [];
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await page.goto(`/track?code=${tracking_code}`);
    await page.getByTestId('track-national-id').fill(SAMPLE_LETTER.applicant.national_id);
    await page.getByTestId('track-submit').click();
    await expect(page.getByTestId('track-result')).toBeVisible();
    found.push(...(await violations(page, `the tracked letter at ${screen.width} px`)));
    await page.getByTestId('track-code').fill('12');
    await page.getByTestId('track-submit').click();
    await expect(page.getByTestId('error-summary')).toBeVisible();
    found.push(...(await violations(page, `the tracking form's errors at ${screen.width} px`)));
  }
  expect(found, found.join('\n')).toEqual([]);
});

test('the operator’s screens pass WCAG 2.1 AA checks', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', SAMPLE_LETTER);
  await logInAs(page, 'op-bnd-1021');
  await checkRoutes(page, operatorRoutes(id));
});

test('the clerk’s screens pass WCAG 2.1 AA checks', async ({ page, request }) => {
  const { id } = await registerOverApi(request, 'op-bnd-1021', SAMPLE_LETTER);
  await logInAs(page, 'clerk-water');
  await checkRoutes(page, clerkRoutes(id));
});

test('the admin’s screens pass WCAG 2.1 AA checks', async ({ page }) => {
  await logInAs(page, 'admin');
  await checkRoutes(page, ADMIN_ROUTES);
});
