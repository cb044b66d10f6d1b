// The holiday calendar: an admin types a Jalali date in Persian digits, sees
// it in the list, is told when a day does not exist, and removes it again.
import { expect, test, LoginPage } from '../pages/app';

test('an admin adds a holiday by its Jalali date and removes it', async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn('admin');
  await page.getByTestId('nav-holidays').click();
  await expect(page).toHaveURL(/\/admin\/holidays$/);

  // Esfand 30 of 1404 does not exist (1404 is not a leap year).
  await page.getByTestId('holiday-date').fill('۱۴۰۴/۱۲/۳۰');
  await page.getByTestId('holiday-name').fill('روز آزمون');
  await page.getByTestId('holiday-save').click();
  await expect(page.getByTestId('holiday-date-error')).toHaveText('چنین روزی در تقویم نیست');

  await page.getByTestId('holiday-date').fill('۱۴۰۵/۱۲/۲۵');
  await page.getByTestId('holiday-save').click();
  const row = page.getByTestId('holiday-2027-03-16');
  await expect(row).toContainText('۲۵ اسفند ۱۴۰۵');
  await expect(row).toContainText('روز آزمون');
  await expect(page.getByTestId('holiday-date')).toHaveValue('');

  await row.getByTestId('holiday-remove').click();
  await expect(row).toHaveCount(0);
});
