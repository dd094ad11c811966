import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Loaded through Vite rather than Node: electron-store so the settings contract test can give
    // it an Electron stand-in with vi.mock (test/unit/settings-contract.test.ts); GitHub's
    // workflow parser because it imports its schema JSON without an import attribute, which
    // Node 20 refuses (test/unit/main/workflow.test.ts).
    server: { deps: { inline: ['electron-store', '@actions/workflow-parser'] } },
  },
});
