import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive Debian's Chromium against the browser host (and the Electron shell
 * where a binary exists), in two projects:
 * - `panel`: everything a person does on screen, two files at a time (two cores; each test has
 *   its own host, data folder, Chromium and loopback peers on free ports);
 * - `room`: the tests that record the room's output (every Chromium plays into the same null
 *   sink, so nothing else may sound meanwhile) and the fuzzer, which keeps both cores busy —
 *   one at a time, after `panel`.
 */
const ROOM = ['**/audio.e2e.ts', '**/safe-offline.e2e.ts', '**/fuzz.e2e.ts'];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 2,
  projects: [
    { name: 'panel', testIgnore: ROOM },
    { name: 'room', testMatch: ROOM, dependencies: ['panel'], workers: 1 },
  ],
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results',
  use: { trace: 'off', screenshot: 'only-on-failure' },
});
