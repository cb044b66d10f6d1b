// Print sheets: the receipt handed to the applicant and the answer sheet
// print as paper, without the screen around them (header, menus, buttons,
// the staff timeline), checked in print media.
import { expect, test, DEMO_PASSWORD, registerOverApi } from '../pages/app';
import { logInAs, SAMPLE_LETTER, settle } from '../pages/routes';

test('the receipt and the answer sheet print without the screen around them', async ({ page, request }) => {
  const letter = await registerOverApi(request, 'op-mnb-3012', {
    ...SAMPLE_LETTER,
    recipient_agency_code: 'registry',
    subject: 'گواهی ثبت ملک',
  });
  // The registry's clerk acknowledges and answers it over the API.
  const login = await request.post('/api/v1/auth/login', { data: { username: 'clerk-registry', password: DEMO_PASSWORD } });
  const auth = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const inbox = await (await request.get('/api/v1/inbox?limit=100', { headers: auth })).json();
  const item = inbox.items.find((i: { letter: { id: number } }) => i.letter.id === letter.id);
  expect((await request.post(`/api/v1/inbox/${item.delivery_id}/ack`, { headers: auth, data: {} })).status()).toBe(200);
  const answered = await request.post(`/api/v1/letters/${letter.id}/answer`, { headers: auth, data: { body: 'گواهی صادر شد و در دفتر آماده تحویل است.' } });
  expect(answered.status()).toBe(200);

  await logInAs(page, 'op-mnb-3012');
  await settle(page, `/letters/${letter.id}/receipt`);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('receipt-tracking-code')).toBeVisible();
  await expect(page.getByTestId('receipt-qr').locator('svg')).toBeVisible();
  await expect(page.getByTestId('receipt-office')).toBeVisible();
  await expect(page.locator('.topbar')).toBeHidden();
  await expect(page.getByTestId('print')).toBeHidden();
  await expect(page.getByTestId('next-applicant')).toBeHidden();

  await page.emulateMedia({ media: 'screen' });
  await settle(page, `/letters/${letter.id}`);
  await page.emulateMedia({ media: 'print' });
  // The answer sheet: the letter and its answer, nothing of the staff screen.
  await expect(page.getByTestId('letter-answer')).toContainText('گواهی صادر شد');
  await expect(page.locator('.letter-body')).toBeVisible();
  await expect(page.getByTestId('letter-actions')).toBeHidden();
  await expect(page.getByTestId('timeline-card')).toBeHidden();
  await expect(page.locator('.topbar')).toBeHidden();
});
