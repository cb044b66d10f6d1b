// The routes each role reaches, and how to wait until one has rendered: the
// walks over every screen (layout, accessibility) share them.
import { expect, LoginPage } from './app';
import type { Page } from '@playwright/test';

export const PUBLIC_ROUTES = ['/', '/track', '/login', '/no/such/page'];

export const operatorRoutes = (id: number) => [
  '/letters/new',
  '/letters',
  `/letters/${id}`,
  `/letters/${id}/receipt`,
  '/dashboard',
];

export const clerkRoutes = (id: number) => ['/inbox', '/letters', `/letters/${id}`, '/dashboard', '/answer-templates'];

export const ADMIN_ROUTES = [
  '/dashboard',
  '/letters',
  '/admin/agencies',
  '/admin/offices',
  '/admin/users',
  '/admin/clients',
  '/admin/sms',
  '/admin/sms-templates',
  '/admin/holidays',
  '/admin/confidential-reads',
  '/answer-templates',
];

/** A letter any test may register over the API to have something to show. */
export const SAMPLE_LETTER = {
  applicant: { kind: 'natural', national_id: '0499370899', first_name: 'علی', last_name: 'رضایی', mobile: '09121234567' },
  recipient_agency_code: 'water',
  subject: 'بررسی قبض آب',
  body: 'مبلغ قبض آب این ماه بیش از حد معمول است.',
};

/** Opens `route` and waits until its data has rendered. */
export async function settle(page: Page, route: string) {
  await page.goto(route);
  await page.waitForLoadState('networkidle');
  // Pages render after their data: wait for the loading placeholders to go.
  await expect(page.locator('.content .muted', { hasText: 'در حال بارگذاری' })).toHaveCount(0);
}

/** Logs `username` in; answers once the app has left the login page. */
export async function logInAs(page: Page, username: string) {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(username);
  await expect(page).not.toHaveURL(/\/login/);
}
