// The applicant's SMS: with the embedded `log` provider, a registered
// letter's message is sent by the dispatcher, and the admin sees it in the
// outbox.
import { expect, test, DEMO_PASSWORD, LoginPage } from '../pages/app';

test('an admin sees a registered letter\'s SMS in the outbox as sent', async ({ page, request }) => {
  const login = await request.post('/api/v1/auth/login', { data: { username: 'op-qsh-2034', password: DEMO_PASSWORD } });
  expect(login.ok()).toBeTruthy();
  const { access_token } = await login.json();
  const created = await request.post('/api/v1/letters', {
    headers: { Authorization: `Bearer ${access_token}` },
    data: {
      applicant: { kind: 'legal', national_id: '10100387181', organization_name: 'شرکت صیادی خلیج', mobile: '09131112233' },
      recipient_agency_code: 'tax',
      subject: 'درخواست تقسیط مالیات',
      body: 'درخواست تقسیط بدهی مالیاتی سال ۱۴۰۴',
    },
  });
  expect(created.status()).toBe(201);
  const letter = await created.json();

  await new LoginPage(page).open();
  await new LoginPage(page).logIn('admin');
  await page.getByTestId('nav-sms').click();
  await page.getByTestId('sms-status').selectOption('sent');
  // The outbox writes numbers in Persian digits.
  const row = page.getByTestId('sms-table').locator('tr', { hasText: '۰۹۱۳۱۱۱۲۲۳۳' });
  // The dispatcher polls twice a second; reload until the row shows up as sent.
  await expect(async () => {
    await page.getByTestId('sms-status').selectOption('pending');
    await page.getByTestId('sms-status').selectOption('sent');
    await expect(row).toHaveAttribute('data-status', 'sent', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(row).toContainText(letter.tracking_code.slice(0, 4).replace(/\d/g, (d: string) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]));
});

test('an admin edits an SMS template with a live preview and placeholder check', async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn('admin');
  await page.getByTestId('nav-templates').click();
  const editor = page.getByTestId('template-received');
  const body = editor.getByTestId('template-body');
  await body.fill('نامه {code} به {person} رسید');
  await expect(editor.getByTestId('template-error')).toContainText('{person}');
  await expect(editor.getByTestId('template-save')).toBeDisabled();
  // 76 characters of Persian: two SMS parts (UCS-2 allows 70 in one).
  await body.fill('چاپار: نامه {code} در {agency} به دست ما رسید.');
  await expect(editor.getByTestId('template-error')).toHaveCount(0);
  await expect(editor.getByTestId('template-preview')).toContainText('۷۲۹۴-۴۰۱۸-۳۶۵۱');
  await expect(editor.getByTestId('template-preview')).toContainText('۲ بخش');
  await body.fill('نامه {code} در {agency} رسید');
  await expect(editor.getByTestId('template-preview')).toContainText('۱ بخش');
  await editor.getByTestId('template-save').click();
  await expect(editor.getByTestId('template-save')).toHaveText('ذخیره شد');
});
