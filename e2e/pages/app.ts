// Page objects: the SPA's screens by their data-testid locators.
import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'chapar-demo';

export class LoginPage {
  constructor(private page: Page) {}

  async open() {
    await this.page.goto('/login');
  }

  async logIn(username: string, password = DEMO_PASSWORD) {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }
}

export class Header {
  constructor(private page: Page) {}

  currentUser() {
    return this.page.getByTestId('current-user');
  }

  async logOut() {
    await this.page.getByTestId('logout').click();
    await expect(this.page).toHaveURL(/\/login$/);
  }
}
