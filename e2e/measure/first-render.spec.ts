// The first render of public pages on a rural line (1.6 Mbit/s down,
// 300 ms round trip), with an empty cache: prints the time from navigation
// to the page's heading and the bytes transferred. Asserts nothing (speed
// is reported, never tested); the figures go in the issue notes.
import { test } from '@playwright/test';

const RURAL_LINE = { offline: false, latency: 300, downloadThroughput: 1_600_000 / 8, uploadThroughput: 800_000 / 8 };

for (const route of ['/', '/track', '/login']) {
  test(`first render of ${route} on a 1.6 Mbit/s, 300 ms line`, async ({ page }) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', RURAL_LINE);
    let transferred = 0;
    cdp.on('Network.loadingFinished', (event) => {
      transferred += event.encodedDataLength;
    });
    const started = Date.now();
    await page.goto(route, { waitUntil: 'commit' });
    await page.locator('h1').first().waitFor({ timeout: 100_000 });
    const elapsed = Date.now() - started;
    console.log(`first render ${route}: ${elapsed} ms, ${Math.round(transferred / 1024)} KiB transferred`);
  });
}
