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
});
