// The counter's commonest job from the keyboard alone: register a letter
// with one attachment and print its receipt, then start on the next
// applicant. The test counts the keys pressed (typed characters and
// navigation apart) and the seconds, and prints them for the record.
import { expect, test } from '../pages/app';
import { logInAs } from '../pages/routes';
import type { Page } from '@playwright/test';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** A valid national code of its own for each run, in Persian digits, so a
 * repeated run is not held back as a repeat letter of the same applicant. */
function nationalIdFor(run: number): string {
  const body = String(4993708 + run * 7919).padStart(9, '0').slice(-9);
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0) % 11;
  const code = body + String(sum < 2 ? sum : 11 - sum);
  return code.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
}

class Keyboard {
  typed = 0;
  navigation = 0;
  constructor(private page: Page) {}

  async type(text: string) {
    await this.page.keyboard.type(text);
    this.typed += [...text].length;
  }

  async press(key: string) {
    await this.page.keyboard.press(key);
    this.navigation += 1;
  }

  /** Tab until the element is focused; fails after `most` presses. */
  async tabTo(testId: string, most = 4) {
    const target = this.page.getByTestId(testId);
    for (let i = 0; i < most; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await this.press('Tab');
    }
    await expect(target, `${testId} within ${most} Tabs`).toBeFocused();
  }
}

test('a letter with one attachment is registered and its receipt printed from the keyboard alone', async ({ page }, testInfo) => {
  await logInAs(page, 'op-bnd-1021');
  await expect(page).toHaveURL(/\/letters\/new$/);
  // Printing opens no dialog in the test browser; count the calls instead.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  // Playwright turns on the browser's file-chooser interception when the
  // first listener is added, asynchronously: listen from the start so the
  // Space press below cannot race it.
  const chooser = page.waitForEvent('filechooser');
  const keys = new Keyboard(page);
  const started = Date.now();

  await expect(page.getByTestId('applicant-national-id')).toBeFocused();
  await keys.type(nationalIdFor(testInfo.repeatEachIndex));
  await keys.tabTo('applicant-first-name');
  await keys.type('علی');
  await keys.tabTo('applicant-last-name');
  await keys.type('رضایی');
  await keys.tabTo('applicant-mobile');
  await keys.type('۰۹۱۲۱۲۳۴۵۶۷');
  await keys.tabTo('agency-picker-search');
  await keys.type('فاضلاب');
  await keys.press('Enter');
  await expect(page.getByTestId('agency-option-water')).toHaveAttribute('aria-checked', 'true');
  await keys.tabTo('letter-subject');
  await keys.type('کنتور خراب منزل');
  await keys.tabTo('letter-body');
  await keys.type('مبلغ قبض بیش از حد معمول است.');
  await keys.tabTo('letter-files', 5);
  await keys.press('Space');
  await (await chooser).setFiles({ name: 'قبض.pdf', mimeType: 'application/pdf', buffer: PDF });
  await keys.tabTo('letter-submit');
  await keys.press('Enter');

  await expect(page).toHaveURL(/\/letters\/\d+\/receipt$/);
  await expect(page.getByTestId('receipt-attachments')).toHaveText('۱');
  await keys.tabTo('print', 12);
  await keys.press('Enter');
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await keys.tabTo('next-applicant');
  await keys.press('Enter');
  await expect(page.getByTestId('applicant-national-id')).toBeFocused();

  const seconds = (Date.now() - started) / 1000;
  console.log(
    `keyboard journey: ${keys.typed} characters typed, ${keys.navigation} navigation keys, ${seconds.toFixed(1)} s`,
  );
  // Beyond the text itself: a Tab between fields, Enter to pick the agency,
  // Space for the file, Enter to submit, print and next — no long walks.
  expect(keys.navigation).toBeLessThanOrEqual(24);
});
