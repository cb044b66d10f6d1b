// What a citizen reads when something goes wrong: Persian words for the
// server's error codes (with the wait in Persian digits when rate-limited),
// and a Persian message when the server cannot be reached — never the
// server's English `detail` or the browser's "Failed to fetch".
import { APIRequestContext } from '@playwright/test';
import { expect, test, registerOverApi } from '../pages/app';
import { shortPort } from '../playwright.config';

// The short server allows 3 lookups of one tracking code a minute.
test.use({ baseURL: `http://127.0.0.1:${shortPort}` });

async function registeredCode(request: APIRequestContext): Promise<string> {
  const letter = await registerOverApi(
    request,
    'op-bnd-1021',
    {
      applicant: { kind: 'natural', national_id: '1234567891', first_name: 'مریم', last_name: 'حسینی', mobile: '09121234567' },
      recipient_agency_code: 'water',
      subject: 'پیگیری قطعی آب',
      body: 'متن نامه',
    },
    { fresh: true },
  );
  return letter.tracking_code;
}

test('a citizen who looks up a code too often is told in Persian how long to wait', async ({ page }) => {
  const code = await registeredCode(page.request);
  await page.goto('/track');
  await page.getByTestId('track-code').fill(code);
  await page.getByTestId('track-national-id').fill('0499370899');
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('track-submit').click();
    await expect(page.getByTestId('track-not-found')).toBeVisible();
    await expect(page.getByTestId('track-submit')).toBeEnabled();
  }
  await page.getByTestId('track-submit').click();
  const error = page.getByTestId('track-error');
  await expect(error).toContainText('بیش از حد');
  await expect(error).toContainText('ثانیه');
  await expect(error).toHaveText(/[۰-۹]/);
  await expect(error).not.toHaveText(/[A-Za-z]/);
});

test('a citizen whose connection fails reads a Persian message, not the browser error', async ({ page }) => {
  await page.goto('/track');
  await page.route('**/api/v1/tracking', (route) => route.abort('connectionrefused'));
  await page.getByTestId('track-code').fill('1234-5678-9012');
  await page.getByTestId('track-national-id').fill('0499370899');
  await page.getByTestId('track-submit').click();
  const error = page.getByTestId('track-error');
  await expect(error).toContainText('ارتباط با سامانه برقرار نشد');
  await expect(error).not.toHaveText(/[A-Za-z]/);
});
