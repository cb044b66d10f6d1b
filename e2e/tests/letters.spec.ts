// A walk-in applicant's letter: the operator registers it with a Persian-digit
// national code and an attachment, hands over the receipt (tracking code +
// QR), and the public tracking page shows the letter as delivered.
import { expect, test, LoginPage, registerOverApi } from '../pages/app';
import { logInAs } from '../pages/routes';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('operator registers a letter; the applicant tracks it publicly', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('op-bnd-1021');
  await expect(page).toHaveURL(/\/letters\/new$/);

  // The cursor starts in the national code. A mistyped one is flagged when
  // the field is left (not while typing), and the flag goes once it is fixed.
  const nationalId = page.getByTestId('applicant-national-id');
  await expect(nationalId).toBeFocused();
  await nationalId.fill('۰۴۹۹۳۷۰۸۹۸');
  await expect(page.getByTestId('applicant-national-id-error')).toHaveCount(0);
  await nationalId.press('Tab');
  await expect(page.getByTestId('applicant-national-id-error')).toBeVisible();
  await expect(nationalId).toHaveAttribute('aria-invalid', 'true');
  await nationalId.fill('۰۴۹۹۳۷۰۸۹۹');
  await expect(page.getByTestId('applicant-national-id-error')).toHaveCount(0);
  // Nine digits that are wrong padded too: the hint says a digit may be missing.
  await nationalId.fill('۱۲۳۴۵۶۷۸۸');
  await nationalId.press('Tab');
  await expect(page.getByTestId('applicant-national-id-error')).toContainText('۱۰ رقم');
  await nationalId.fill('۰۴۹۹۳۷۰۸۹۹');

  await page.getByTestId('applicant-first-name').fill('علی');
  await page.getByTestId('applicant-last-name').fill('رضایی');
  await page.getByTestId('applicant-mobile').fill('۰۹۱۲ ۱۲۳ ۴۵۶۷');
  await page.getByTestId('agency-picker-search').fill('آب');
  await page.getByTestId('agency-option-water').click();
  await page.getByTestId('letter-subject').fill('نشت لوله اصلی خیابان');
  await page.getByTestId('letter-body').fill('مبلغ قبض آب این ماه بیش از حد معمول است؛ لطفاً بررسی فرمایید.');
  await page.getByTestId('letter-files').setInputFiles({ name: 'قبض.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByTestId('letter-submit').click();

  await expect(page).toHaveURL(/\/letters\/\d+\/receipt$/);
  const codeCell = page.getByTestId('receipt-tracking-code');
  await expect(codeCell).toHaveText(/^[۰-۹]{4}-[۰-۹]{4}-[۰-۹]{4}$/);
  const code = await codeCell.getAttribute('data-code');
  expect(code).toMatch(/^\d{12}$/);
  await expect(page.getByTestId('receipt-qr').locator('svg')).toBeVisible();
  await expect(page.getByTestId('receipt-attachments')).toHaveText('۱');
  await expect(page.getByTestId('receipt-office')).toHaveText(/دفتر پیشخوان/);
  // Where to come back or call, in Persian digits.
  await expect(page.getByTestId('receipt-office-contact')).toHaveText(/[۰-۹]{4}/);
  await expect(page.getByTestId('receipt-agency')).toHaveText('شرکت آب و فاضلاب استان هرمزگان');

  // The receipt gives the public tracking address the SMS gives (CHAPAR_PUBLIC_URL).
  await expect(page.getByTestId('receipt-url')).toHaveText(new RegExp(`/track\\?code=${code}$`));
  // Next applicant: a fresh form, the cursor already in the national code.
  await page.getByTestId('next-applicant').click();
  await expect(page).toHaveURL(/\/letters\/new$/);
  await expect(page.getByTestId('applicant-national-id')).toBeFocused();
  await expect(page.getByTestId('applicant-national-id')).toHaveValue('');

  // The applicant, with no account, at home.
  await page.getByTestId('logout').click();
  await page.goto(`/track?code=${code}`);
  await page.getByTestId('track-national-id').fill('۰۴۹۹۳۷۰۸۹۹');
  await page.getByTestId('track-submit').click();
  const result = page.getByTestId('track-result');
  await expect(result.getByTestId('letter-status')).toHaveAttribute('data-status', 'delivered');
  await expect(result.getByTestId('track-holder')).toContainText('آب و فاضلاب');
  // The due date of the water company's answer, in the Jalali calendar.
  await expect(result.getByTestId('track-due')).toHaveText(/^[۰-۹]+ \S+ [۰-۹]{4}$/);
  await expect(page.getByTestId('track-timeline').locator('li')).toHaveCount(2);

  // A wrong national code learns nothing.
  await page.getByTestId('track-national-id').fill('1234567891');
  await page.getByTestId('track-submit').click();
  await expect(page.getByTestId('track-not-found')).toBeVisible();
});

test('the office list and detail show the letter with its timeline', async ({ page, request }) => {
  await registerOverApi(request, 'op-bnd-1021', {
    applicant: { kind: 'natural', national_id: '1234567891', first_name: 'سارا', last_name: 'کریمی', mobile: '09171112233' },
    recipient_agency_code: 'gas',
    subject: 'قطعی گاز',
    body: 'گاز منزل از دیروز قطع است.',
  });
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('op-bnd-1021');
  await page.getByTestId('nav-letters').click();
  const firstRow = page.getByTestId('letters-table').locator('tbody tr').first();
  await expect(firstRow).toBeVisible();
  await firstRow.locator('a').click();
  await expect(page.getByTestId('letter-detail')).toBeVisible();
  await expect(page.getByTestId('timeline').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('chain-status')).toHaveText('تاریخچه دست‌نخورده است');
});

test('the letters list filters by Jalali dates and overdue, fifty at a time', async ({ page, request }) => {
  // 51 letters of the Lengeh office, so that there is a second page.
  for (let i = 0; i < 51; i++) {
    await registerOverApi(request, 'op-lng-4007', {
      applicant: { kind: 'natural', national_id: '1234567891', first_name: 'رضا', last_name: `نمونه ${i}`, mobile: '09171112233' },
      recipient_agency_code: 'tax',
      subject: `پرونده مالیاتی ${i}`,
      body: 'درخواست بررسی.',
    });
  }
  await new LoginPage(page).open();
  await new LoginPage(page).logIn('op-lng-4007');
  await page.getByTestId('nav-letters').click();
  const rows = page.getByTestId('letters-table').locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await page.getByTestId('letters-more').click();
  await expect(rows).toHaveCount(51);
  await expect(page.getByTestId('letters-more')).toHaveCount(0);

  // A day that does not exist is pointed out; a future start day empties the list.
  await page.getByTestId('letters-from').fill('۱۴۰۴/۱۲/۳۰');
  await page.getByTestId('letters-from').press('Tab');
  await expect(page.getByTestId('letters-from-error')).toHaveText('چنین روزی در تقویم نیست');
  await page.getByTestId('letters-from').fill('۱۴۱۰/۰۱/۰۱');
  await expect(rows).toHaveCount(0);
  await page.getByTestId('letters-from').fill('');
  await expect(rows).toHaveCount(50);
  // None of them is past its due date yet.
  await page.getByTestId('letters-overdue').check();
  await expect(rows).toHaveCount(0);
});

test('an empty submit gets an error summary that takes the focus and links to each field', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('op-bnd-1021');
  await expect(page).toHaveURL(/\/letters\/new$/);
  // Required is the norm; the fields that may stay empty say so.
  await expect(page.getByTestId('applicant-national-id')).toHaveAttribute('aria-required', 'true');
  await expect(page.locator('label', { has: page.getByTestId('applicant-father-name') })).toContainText('(اختیاری)');
  await expect(page.locator('label', { has: page.getByTestId('applicant-first-name') })).not.toContainText('اختیاری');
  await page.getByTestId('letter-submit').click();
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.locator('a[href="#applicant-national-id"]')).toBeVisible();
  await expect(summary.locator('a[href="#applicant-first-name"]')).toBeVisible();
  // A field filled in loses its message at once, in the summary and under it.
  await page.getByTestId('applicant-first-name').fill('علی');
  await expect(summary.locator('a[href="#applicant-first-name"]')).toHaveCount(0);
  await expect(page.getByTestId('applicant-first-name-error')).toHaveCount(0);
  // The link takes the operator to the field.
  await summary.locator('a[href="#applicant-last-name"]').click();
  await expect(page.getByTestId('applicant-last-name')).toBeFocused();
});

test('a follow-up with two copies: the repeat is flagged, the operator registers anyway, a copy agency sees a copy', async ({ page, request }) => {
  const earlier = await registerOverApi(request, 'op-bnd-1021', {
    applicant: { kind: 'natural', national_id: '0499370899', first_name: 'علی', last_name: 'رضایی', mobile: '09121234567' },
    recipient_agency_code: 'water',
    subject: 'قطعی مکرر آب کوچه پنجم',
    body: 'از دیروز آب قطع است.',
  });
  await logInAs(page, 'op-bnd-1021');
  await expect(page).toHaveURL(/\/letters\/new$/);
  await page.getByTestId('applicant-national-id').fill('۰۴۹۹۳۷۰۸۹۹');
  await page.getByTestId('applicant-first-name').fill('علی');
  await page.getByTestId('applicant-last-name').fill('رضایی');
  await page.getByTestId('applicant-mobile').fill('09121234567');
  await page.getByTestId('agency-option-water').click();
  // Typed on an Arabic keyboard: ي and ك; still the same matter.
  await page.getByTestId('letter-subject').fill('قطعي مكرر آب كوچه پنجم');
  await page.getByTestId('letter-body').fill('هنوز آب وصل نشده است.');
  // It follows the earlier letter up: its code as the receipt prints it, in Persian digits.
  const printed = earlier.tracking_code.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3')
    .replace(/\d/g, (d: string) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
  await page.getByTestId('letter-related-toggle').click();
  await page.getByTestId('letter-relation').selectOption('follows_up');
  await page.getByTestId('letter-related').fill(printed);
  // Copies for information to the gas company and the governorate (the recipient is not offered).
  await page.getByTestId('letter-copies-toggle').click();
  await expect(page.getByTestId('copy-option-water')).toHaveCount(0);
  await page.getByTestId('copy-option-gas').check();
  await page.getByTestId('copy-option-governorate').check();
  await expect(page.getByTestId('letter-copies-toggle')).toContainText('۲');
  await page.getByTestId('letter-submit').click();

  const warning = page.getByTestId('duplicate-warning');
  await expect(warning).toBeVisible();
  await expect(warning.locator('h2')).toBeFocused();
  const item = warning.getByTestId('duplicate-item');
  await expect(item).toHaveCount(1);
  await expect(item.locator('a')).toHaveAttribute('href', `/letters/${earlier.id}`);
  await expect(item).toContainText('قطعی مکرر آب کوچه پنجم');
  await expect(page).toHaveURL(/\/letters\/new$/);

  await page.getByTestId('duplicate-register-anyway').click();
  await expect(page).toHaveURL(/\/letters\/\d+\/receipt$/);
  // The decision is on the new letter's timeline.
  const id = page.url().match(/letters\/(\d+)\/receipt/)![1];
  await page.goto(`/letters/${id}`);
  await expect(page.getByTestId('timeline')).toContainText('ثبت با وجود نامهٔ مشابهِ باز');
  // Both letters show the relation.
  await expect(page.getByTestId('related-letter')).toContainText(printed);
  await expect(page.getByTestId('letter-copy')).toHaveCount(2);
  await expect(page.getByTestId('letter-copy').first()).toContainText('گاز');
  await page.goto(`/letters/${earlier.id}`);
  await expect(page.getByTestId('related-letter')).toBeVisible();
  await expect(page.getByTestId('letter-detail')).toContainText('نامهٔ بعدی (پیرو)');

  // The gas company's clerk finds it marked as a copy, for information: no answer, refer or reject.
  await logInAs(page, 'clerk-gas');
  await page.goto('/inbox');
  await page.getByTestId('inbox-kind').selectOption('copy');
  const row = page.locator('tr', { has: page.locator(`a[href="/letters/${id}"]`) });
  await expect(row.getByTestId('inbox-copy')).toHaveText('رونوشت');
  await row.locator(`a[href="/letters/${id}"]`).click();
  await expect(page.getByTestId('copy-explained')).toBeVisible();
  await expect(page.getByTestId('action-answer')).toHaveCount(0);
  await expect(page.getByTestId('action-refer')).toHaveCount(0);
  await page.getByTestId('action-receive').click();
  await expect(page.getByTestId('copy-explained')).toHaveCount(0);
  await expect(page.getByTestId('timeline')).toContainText('رونوشت در');
});

test('a confidential letter: the list says «محرمانه», the office reads it, the auditor sees it concealed', async ({ page }) => {
  await logInAs(page, 'op-bnd-1021');
  await page.getByTestId('applicant-national-id').fill('۰۴۹۹۳۷۰۸۹۹');
  await page.getByTestId('applicant-first-name').fill('علی');
  await page.getByTestId('applicant-last-name').fill('رضایی');
  await page.getByTestId('applicant-mobile').fill('09121234567');
  await page.getByTestId('agency-picker-search').fill('آب');
  await page.getByTestId('agency-option-water').click();
  await page.getByTestId('letter-subject').fill('شکایت از مأمور قرائت کنتور');
  await page.getByTestId('letter-body').fill('متن شکایت با نام مأمور');
  await page.getByTestId('letter-classification').selectOption('confidential');
  await page.getByTestId('letter-submit').click();
  await expect(page).toHaveURL(/\/letters\/\d+\/receipt$/);
  const id = page.url().match(/\/letters\/(\d+)\/receipt$/)![1];

  await page.getByTestId('nav-letters').click();
  const firstRow = page.getByTestId('letters-table').locator('tbody tr').first();
  await expect(firstRow).toContainText('محرمانه');
  await expect(firstRow).not.toContainText('مأمور');
  await firstRow.locator('a').click();
  await expect(page.getByTestId('letter-confidential')).toHaveText('محرمانه');
  await expect(page.getByTestId('letter-detail')).toContainText('متن شکایت با نام مأمور');

  await page.getByTestId('logout').click();
  await logInAs(page, 'auditor');
  await page.goto(`/letters/${id}`);
  await expect(page.getByTestId('confidential-hidden')).toBeVisible();
  await expect(page.getByTestId('letter-detail')).not.toContainText('مأمور');

  // The admin sees who read it: the operator's reads, by name, in words.
  await page.getByTestId('logout').click();
  await logInAs(page, 'admin');
  await page.goto('/admin/confidential-reads');
  const newest = page.getByTestId('confidential-read').first();
  await expect(newest).toContainText('متن نامه');
  await expect(newest).not.toContainText('op-bnd-1021');
});
