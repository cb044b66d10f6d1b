// Figures, not tests: `cargo xtask e2e --config measure.config.ts` prints
// how long the SPA takes to first render on a slow line (Chromium's network
// throttling). The same servers and browser as the suite.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({ ...base, testDir: './measure', timeout: 120_000 });
