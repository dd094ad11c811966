import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // electron-store is loaded through Vite (not Node) so the settings contract test can give it
    // an Electron stand-in with vi.mock (test/unit/settings-contract.test.ts).
    server: { deps: { inline: ['electron-store'] } },
  },
});
