// Exports: an operator downloads the filtered letters list as CSV for Excel
// (UTF-8 with BOM, Persian header row); a clerk downloads the inbox.
import { readFileSync } from 'fs';
import { expect, test, Header, LoginPage, registerOverApi } from '../pages/app';

const LETTER_HEADER =
  'کد رهگیری,وضعیت,متقاضی,کد ملی / شناسه ملی,موضوع,فوریت,دستگاه گیرنده,دستگاه فعلی,دفتر پیشخوان,' +
  'تاریخ ثبت,تاریخ ثبت (ISO),مهلت پاسخ,مهلت پاسخ (ISO),دیرکرد,شناسه';

test('the letters list and the inbox download as CSV with their header rows', async ({ page, request }) => {
  const letter = await registerOverApi(request, 'op-mnb-3012', {
    applicant: { kind: 'natural', national_id: '1234567891', first_name: 'زهرا', last_name: 'کریمی', mobile: '09175556677' },
    recipient_agency_code: 'education',
    subject: 'ثبت‌نام مدرسه، پایه اول',
    body: 'درخواست ثبت‌نام فرزندم در مدرسه نزدیک خانه.',
  });

  await new LoginPage(page).open();
  await new LoginPage(page).logIn('op-mnb-3012');
  await page.getByTestId('nav-letters').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('letters-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^letters-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await download.path(), 'utf8');
  expect(text.startsWith('\ufeff')).toBe(true);
  const lines = text.slice(1).split('\r\n');
  expect(lines[0]).toBe(LETTER_HEADER);
  const row = lines.find((l) => l.endsWith(`,${letter.id}`));
  expect(row).toContain('ثبت‌نام مدرسه، پایه اول');
  expect(row).toContain('زهرا کریمی');

  await new Header(page).logOut();
  await page.goto('/login');
  await new LoginPage(page).logIn('clerk-education');
  await expect(page).toHaveURL(/\/inbox$/);
  const [inbox] = await Promise.all([page.waitForEvent('download'), page.getByTestId('inbox-export').click()]);
  const rows = readFileSync(await inbox.path(), 'utf8').slice(1).split('\r\n');
  expect(rows[0].split(',')[0]).toBe('کد رهگیری');
  expect(rows.length).toBeGreaterThan(2);

  // The inbox searched by the tracking code as the receipt prints it, in
  // Persian digits: that one letter, on screen and in the export.
  const printed = letter.tracking_code.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1-$2-$3');
  const persian = printed.replace(/\d/g, (d: string) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
  await page.getByTestId('inbox-search').fill(persian);
  await expect(page.getByTestId('inbox-table').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId(`inbox-row-${letter.tracking_code}`)).toBeVisible();
  const [found] = await Promise.all([page.waitForEvent('download'), page.getByTestId('inbox-export').click()]);
  const foundRows = readFileSync(await found.path(), 'utf8').slice(1).split('\r\n').filter((l) => l);
  expect(foundRows).toHaveLength(2);
  expect(foundRows[1].startsWith(printed)).toBe(true);
});

test('the dashboard downloads each of its tables as CSV', async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn('admin');
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('period-7').click();
  await page.getByTestId('dashboard-export-table').selectOption('days');
  const [days] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dashboard-export-button').click()]);
  expect(days.suggestedFilename()).toMatch(/^dashboard-days-\d{4}-\d{2}-\d{2}\.csv$/);
  const dayRows = readFileSync(await days.path(), 'utf8');
  expect(dayRows.startsWith('\ufeff')).toBe(true);
  const lines = dayRows.slice(1).split('\r\n').filter((l) => l);
  expect(lines[0]).toBe('تاریخ,تاریخ (ISO),ثبت شده,پاسخ داده شده');
  expect(lines).toHaveLength(8);
  await page.getByTestId('dashboard-export-table').selectOption('agencies');
  const [agencies] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dashboard-export-button').click()]);
  const agencyLines = readFileSync(await agencies.path(), 'utf8').slice(1).split('\r\n');
  expect(agencyLines[0].split(',').slice(0, 3)).toEqual(['دستگاه', 'کد دستگاه', 'باز']);
});
