// The dashboard: an admin sees the province's figures in Persian digits, the
// letters per day, and the open letters of an agency; an operator sees only
// its office.
import { expect, test, LoginPage, registerOverApi } from '../pages/app';

test('the dashboard shows the period and the backlog in the caller\'s scope', async ({ page, request }) => {
  await registerOverApi(request, 'op-jsk-5019', {
    applicant: { kind: 'natural', national_id: '1234567891', first_name: 'نرگس', last_name: 'صالحی', mobile: '09173334455' },
    recipient_agency_code: 'health',
    subject: 'نوبت واکسن',
    body: 'درخواست نوبت واکسن برای کودک.',
  });

  await new LoginPage(page).open();
  await new LoginPage(page).logIn('admin');
  await page.getByTestId('nav-dashboard').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const registered = page.getByTestId('kpi-registered').locator('.kpi-value');
  await expect(registered).toHaveText(/^[۰-۹]+$/);
  // Today's bars carry at least this letter.
  const today = page.getByTestId('chart-per-day').locator('g').last();
  expect(Number(await today.getAttribute('data-registered'))).toBeGreaterThanOrEqual(1);
  const health = page.getByTestId('chart-agencies').locator('li[data-code="health"]');
  await expect(health).toBeVisible();
  expect(Number(await health.getAttribute('data-open'))).toBeGreaterThanOrEqual(1);
  // A longer period has as many days as it says.
  await page.getByTestId('period-90').click();
  await expect(page.getByTestId('chart-per-day').locator('g')).toHaveCount(90);

  // The Jask operator sees only its own office.
  await page.getByTestId('logout').click();
  await new LoginPage(page).logIn('op-jsk-5019');
  await page.getByTestId('nav-dashboard').click();
  const offices = page.getByTestId('chart-offices').locator('li');
  await expect(offices).toHaveCount(1);
  await expect(offices.first()).toHaveAttribute('data-code', 'jsk-5019');
});
