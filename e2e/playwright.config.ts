// Playwright drives Debian's Chromium (never a downloaded browser) against the
// real `chapar` binary, started here on a free loopback port (chosen by
// `cargo xtask test`) with a temp SQLite database.
import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const port = Number(process.env.CHAPAR_E2E_PORT || 18080);
/** A second server whose access tokens live 3 seconds (session tests) and whose
 * tracking codes may be looked up 3 times a minute (rate-limit messages). */
export const shortPort = Number(process.env.CHAPAR_E2E_SHORT_PORT || 18081);
const bin = process.env.CHAPAR_BIN || path.resolve(__dirname, '../target/debug/chapar');
const staticDir = process.env.CHAPAR_STATIC_DIR || path.resolve(__dirname, '../web/dist');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chapar-e2e-'));
const shortDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chapar-e2e-short-'));

function server(listen: number, dir: string, env: Record<string, string>) {
  return {
    command:
      `"${bin}" serve --demo --bind 127.0.0.1:${listen} ` +
      `--database-url "sqlite://${dir}/chapar.db" --data-dir "${dir}" --static-dir "${staticDir}"`,
    url: `http://127.0.0.1:${listen}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    // Every test logs in from 127.0.0.1: the per-IP login limit (tested in
    // the API suite) would otherwise start refusing as the suite grows.
    env: { RUST_LOG: 'warn', CHAPAR_LOGIN_PER_IP_PER_MINUTE: '1000', ...env },
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

export default defineConfig({
  testDir: './tests',
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Playwright adds headless mode itself and gives every launch a fresh,
      // temporary profile (its equivalent of a new --user-data-dir).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: [server(port, dataDir, {}), server(shortPort, shortDataDir, { CHAPAR_ACCESS_TTL_SECS: '3', CHAPAR_TRACKING_PER_CODE_PER_MINUTE: '3' })],
});
