// What a citizen reads when something goes wrong: Persian words for the
// server's error codes (with the wait in Persian digits when rate-limited),
// never the server's English `detail`; and the tracking page, the server's
// own HTML, works on a phone with JavaScript off.
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

test('the tracking page works with JavaScript off and loads no WASM', async ({ browser, request }) => {
  const code = await registeredCode(request);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const loaded: string[] = [];
  page.on('request', (r) => loaded.push(r.url()));
  await page.goto(`/track?code=${code}`);
  await page.getByTestId('track-national-id').fill('۱۲۳۴۵۶۷۸۹۱');
  await page.getByTestId('track-submit').click();
  const result = page.getByTestId('track-result');
  await expect(result.getByTestId('letter-status')).toHaveText('تحویل دستگاه شده');
  await expect(result.getByTestId('track-holder')).toContainText('آب و فاضلاب');
  expect(loaded.filter((url) => /\.(wasm|js)(\?|$)/.test(url))).toEqual([]);
  await context.close();
});

test('a mistyped code is listed at the top, which takes the focus, with a link to its field', async ({ page }) => {
  await page.goto('/track');
  await page.getByTestId('track-code').fill('۱۲۳۴');
  await page.getByTestId('track-submit').click();
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('کد رهگیری ۱۲ رقم است');
  await expect(summary).toContainText('این فیلد الزامی است');
  await expect(page.getByTestId('track-code')).toHaveAttribute('aria-invalid', 'true');
  await summary.getByRole('link').first().click();
  await expect(page.getByTestId('track-code')).toBeFocused();
});
