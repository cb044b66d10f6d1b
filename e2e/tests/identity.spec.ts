// Identity in the browser: the demo admin creates an agency and a user, logs
// out, and the new user logs in; pages are guarded by role.
import { expect, test, Header, LoginPage } from '../pages/app';

test('admin creates an agency and a user, who then logs in', async ({ page }) => {
  const login = new LoginPage(page);
  const header = new Header(page);
  await login.open();
  await login.logIn('admin');
  await expect(page).toHaveURL(/\/admin\/agencies$/);
  await expect(header.currentUser()).toHaveText('مدیر سامانه');

  // A new agency; the form first refuses a bad code next to the field.
  await page.getByTestId('agency-code').fill('bad code');
  await page.getByTestId('agency-name').fill('اداره کل بنادر و دریانوردی');
  await page.getByTestId('agency-save').click();
  await expect(page.getByTestId('agency-code-error')).toBeVisible();
  await page.getByTestId('agency-code').fill('ports');
  await page.getByTestId('agency-name-en').fill('Ports and Maritime');
  await page.getByTestId('agency-sla').fill('۵');
  await page.getByTestId('agency-save').click();
  const row = page.getByTestId('agency-row-ports');
  await expect(row).toContainText('اداره کل بنادر و دریانوردی');
  await expect(row).toContainText('5');

  // A clerk of the new agency.
  await page.getByTestId('nav-users').click();
  await page.getByTestId('user-username').fill('clerk-ports');
  await page.getByTestId('user-display-name').fill('زهرا بندری');
  await page.getByTestId('user-password').fill('a long passphrase');
  await page.getByTestId('user-role').selectOption('clerk');
  await page.getByTestId('user-binding').selectOption('ports');
  await page.getByTestId('user-save').click();
  await expect(page.getByTestId('user-row-clerk-ports')).toContainText('زهرا بندری');
  // Edit: a new display name, typed into the dialog.
  page.once('dialog', (dialog) => dialog.accept('زهرا بندری‌نژاد'));
  await page.getByTestId('user-row-clerk-ports').getByTestId('user-rename').click();
  await expect(page.getByTestId('user-row-clerk-ports')).toContainText('زهرا بندری‌نژاد');

  await header.logOut();
  await login.logIn('clerk-ports', 'a long passphrase');
  await expect(header.currentUser()).toHaveText('زهرا بندری‌نژاد');
  // A clerk is not an admin: the admin pages say so.
  await page.goto('/admin/users');
  await expect(page.getByTestId('forbidden')).toBeVisible();
});

test('a wrong password is refused with a message, and the session survives a reload', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('op-bnd-1021', 'wrong password');
  await expect(page.getByTestId('login-error')).toHaveText('نام کاربری یا گذرواژه نادرست است.');
  await login.logIn('op-bnd-1021');
  await expect(new Header(page).currentUser()).toContainText('متصدی');
  await page.reload();
  await expect(new Header(page).currentUser()).toContainText('متصدی');
});

test('admin pages send a logged-out visitor to the login page', async ({ page }) => {
  await page.goto('/admin/agencies');
  // With the way back: logging in returns to the page asked for.
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fagencies$/);
  await new LoginPage(page).logIn('admin');
  await expect(page).toHaveURL(/\/admin\/agencies$/);
});

test('an API client secret is shown once after creation', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn('admin');
  await page.getByTestId('nav-clients').click();
  await page.getByTestId('client-name').fill('Water portal');
  await page.getByTestId('client-binding').selectOption('water');
  await page.getByTestId('scope-inbox:read').check();
  await page.getByTestId('client-save').click();
  await expect(page.getByTestId('client-secret-box')).toBeVisible();
  await expect(page.getByTestId('created-client-id')).toContainText('cl_water_');
  await expect(page.getByTestId('created-client-secret')).not.toBeEmpty();
});
