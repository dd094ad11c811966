import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
// The renderer's path aliases, for the renderer modules the unit tests load.
import { aliases } from './electron.vite.config';

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // At least four workers, even on two cores: most files spend their time waiting on loopback
    // peers and child processes, so with one worker per core the cores sat half idle (on the
    // 2-core CI machine: 4.4 min wall for 3.7 min of CPU); four run the suite in about 2.3 min.
    maxWorkers: Math.max(4, availableParallelism()),
    // Loaded through Vite rather than Node: electron-store so the settings contract test can give
    // it an Electron stand-in with vi.mock (test/unit/settings-contract.test.ts); GitHub's
    // workflow parser because it imports its schema JSON without an import attribute, which
    // Node 20 refuses (test/unit/main/workflow.test.ts).
    server: { deps: { inline: ['electron-store', '@actions/workflow-parser'] } },
  },
});
