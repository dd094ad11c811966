import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // GitHub's workflow parser imports its schema JSON without an import attribute, which Node 20
    // refuses; vite's transform loads it (test/unit/main/workflow.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
