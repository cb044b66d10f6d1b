// The workflow across organisations: the water clerk acknowledges and refers,
// the municipality clerk answers, the operator hands the answer over, and the
// public tracking page shows every step.
import { readFileSync } from 'fs';
import { Page } from '@playwright/test';
import { expect, test, Header, LoginPage } from '../pages/app';

async function registerLetter(page: Page): Promise<string> {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('op-bnd-1021');
  await expect(page).toHaveURL(/\/letters\/new$/);
  await page.getByTestId('applicant-national-id').fill('1234567891');
  await page.getByTestId('applicant-first-name').fill('مریم');
  await page.getByTestId('applicant-last-name').fill('احمدی');
  await page.getByTestId('applicant-mobile').fill('09171234567');
  await page.getByTestId('agency-option-water').click();
  await page.getByTestId('letter-subject').fill('آب‌گرفتگی کوچه');
  await page.getByTestId('letter-body').fill('پس از باران کوچه ما آب‌گرفته است.');
  await page.getByTestId('letter-submit').click();
  const code = await page.getByTestId('receipt-tracking-code').getAttribute('data-code');
  await new Header(page).logOut();
  return code!;
}

async function openFromInbox(page: Page, clerk: string, code: string) {
  await new LoginPage(page).logIn(clerk);
  await expect(page).toHaveURL(/\/inbox$/);
  const row = page.getByTestId(`inbox-row-${code}`);
  await expect(row).toBeVisible();
  await row.locator('a').click();
  await expect(page.getByTestId('letter-actions')).toBeVisible();
}

async function trackedStatus(page: Page, code: string) {
  await page.goto(`/track?code=${code}`);
  await page.getByTestId('track-national-id').fill('1234567891');
  await page.getByTestId('track-submit').click();
  return page.getByTestId('track-result').getByTestId('letter-status');
}

test('a letter is received, referred, answered and handed over', async ({ page }) => {
  const code = await registerLetter(page);

  await openFromInbox(page, 'clerk-water', code);
  // The water secretariat registers it under its own number, dated today (Jalali, Persian digits).
  const today = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran' }).format(new Date());
  await page.getByTestId('ack-reference').fill('۴۵/۷۷');
  await page.getByTestId('ack-reference-date').fill(today);
  await page.getByTestId('action-receive').click();
  await expect(page.getByTestId('letter-detail').getByTestId('letter-status')).toHaveAttribute('data-status', 'received');
  await expect(page.getByTestId('agency-reference')).toContainText('۴۵/۷۷');
  await expect(page.getByTestId('agency-reference')).toContainText('آب و فاضلاب');
  await page.getByTestId('note-text').fill('با متقاضی تماس گرفته شد');
  await page.getByTestId('action-note').click();
  await expect(page.getByTestId('timeline').locator('li[data-kind="note"]')).toBeVisible();
  // A refer without an agency is told so under the refer box, not elsewhere.
  await page.getByTestId('action-refer').click();
  await expect(page.getByTestId('refer-error')).toBeVisible();
  await expect(page.getByTestId('answer-error')).toHaveCount(0);
  await page.getByTestId('refer-agency').selectOption('municipality');
  await page.getByTestId('refer-note').fill('در حوزه شهرداری است');
  await page.getByTestId('action-refer').click();
  await expect(page.getByTestId('letter-detail').getByTestId('letter-status')).toHaveAttribute('data-status', 'delivered');
  await new Header(page).logOut();
  await expect(await trackedStatus(page, code)).toHaveAttribute('data-status', 'delivered');
  // Internal notes never reach the public page.
  await expect(page.getByTestId('track-timeline')).not.toContainText('تماس گرفته شد');

  await page.goto('/login');
  await openFromInbox(page, 'clerk-municipality', code);
  // The municipality lets Chapar number its letters: no number to type.
  await expect(page.getByTestId('reference-numbered')).toBeVisible();
  await expect(page.getByTestId('ack-reference')).toHaveCount(0);
  await page.getByTestId('action-receive').click();
  await expect(page.getByTestId('answer-body')).toBeVisible();
  await expect(page.getByTestId('agency-reference')).toHaveCount(2);
  await expect(page.getByTestId('agency-reference').nth(1)).toContainText('/ش/');
  await expect(page.getByTestId('agency-reference').nth(1)).toContainText('شهرداری');
  // The clerk keeps an answer template, then answers from it: the letter fills its placeholders.
  await page.getByTestId('nav-answer-templates').click();
  await page.getByTestId('answer-template-name').fill('لایروبی');
  await page.getByTestId('answer-template-body').fill('{applicant} گرامی، کوچه لایروبی شد. (نامهٔ {code})');
  await page.getByTestId('answer-template-save').click();
  await expect(page.getByTestId('answer-template-table')).toContainText('لایروبی');
  await page.goBack();
  await page.getByTestId('answer-template').selectOption({ label: 'لایروبی' });
  await expect(page.getByTestId('answer-body')).toHaveValue(/^مریم احمدی گرامی، کوچه لایروبی شد\. \(نامهٔ [۰-۹-]{14}\)$/);
  const report = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await page.getByTestId('answer-files').setInputFiles({ name: 'گزارش.pdf', mimeType: 'application/pdf', buffer: report });
  await page.getByTestId('action-answer').click();
  await expect(page.getByTestId('letter-answer')).toContainText('کوچه لایروبی شد.');
  await new Header(page).logOut();
  await expect(await trackedStatus(page, code)).toHaveAttribute('data-status', 'answered');
  await expect(page.getByTestId('track-answer')).toContainText('کوچه لایروبی شد.');
  // The applicant downloads the answer's file from the public page, no login.
  const fileLink = page.getByTestId('track-answer-files').getByRole('link', { name: 'گزارش.pdf' });
  const download = await Promise.all([page.waitForEvent('download'), fileLink.click()]).then(([d]) => d);
  expect(download.suggestedFilename()).toBe('گزارش.pdf');
  const saved = await download.path();
  expect(readFileSync(saved).equals(report)).toBe(true);

  await page.goto('/login');
  await new LoginPage(page).logIn('op-bnd-1021');
  await page.getByTestId('nav-letters').click();
  await page.getByTestId(`letter-row-${code}`).locator('a').click();
  await page.getByTestId('action-close').click();
  await expect(page.getByTestId('letter-detail').getByTestId('letter-status')).toHaveAttribute('data-status', 'closed');
  await new Header(page).logOut();
  const status = await trackedStatus(page, code);
  await expect(status).toHaveAttribute('data-status', 'closed');
  const kinds = await page.getByTestId('track-timeline').locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')));
  expect(kinds).toEqual(['registered', 'delivered', 'received', 'referred', 'received', 'answered', 'closed']);
});
