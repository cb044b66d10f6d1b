// The first render of public pages on a rural line (1.6 Mbit/s down,
// 300 ms round trip), with an empty cache: prints the time from navigation
// to the page's heading, the bytes transferred by then and in all. Asserts nothing (speed
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
    const atHeading = transferred;
    // Then everything the page loads (its fonts, and the SPA's WASM).
    await page.waitForLoadState('networkidle', { timeout: 100_000 });
    // The browser's own first contentful paint (after the stylesheet, for a server page).
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
    );
    console.log(
      `first render ${route}: heading in the DOM at ${elapsed} ms, first contentful paint at ` +
        `${Math.round(paint)} ms; ${Math.round(atHeading / 1024)} KiB transferred by the heading, ` +
        `${Math.round(transferred / 1024)} KiB in all (brotli where the server has it)`,
    );
  });
}
