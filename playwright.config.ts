import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive Debian's Chromium against the browser host (and the Electron shell
 * where a binary exists). One worker: the machine has two cores and the tests listen to audio.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results',
  use: { trace: 'off', screenshot: 'only-on-failure' },
});
