import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * One build for the whole app: the Electron main process (plus the plain-Node browser host,
 * which shares the host services), the sandboxed preload (CommonJS, as sandboxing requires)
 * and the React renderer.
 */
/** The renderer's path aliases (the same in tsconfig.base.json and vitest.config.ts). */
export const aliases = {
  '@core': resolve('electron/core'),
  '@host': resolve('electron/host'),
  '@preload': resolve('electron/preload'),
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The libraries the host loads at start are bundled in: Node's module loader resolving and
      // reading their many small files was a third of the browser host's start (a host
      // restarted by the launcher is back sooner). Those loaded on first use (pdfkit, fontkit,
      // mqtt, music-metadata, audio-decode) stay external.
      externalizeDeps: { exclude: ['zod', 'conf', 'ws', 'yazl', 'yauzl', 'saxes', 'chokidar', 'rotating-file-stream'] },
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          serve: resolve('electron/serve/cli.ts'),
          // Loudness analysis runs in a worker thread; the pool looks for it next to the entries.
          'loudness-worker': resolve('electron/services/loudness/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    resolve: { alias: aliases },
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves builds unminified; the page is parsed on every cold start, and a
      // third of the bytes parse faster (first paint, issue 15). Source maps stay off as before.
      minify: true,
      rollupOptions: {
        input: { index: resolve('renderer/index.html') },
        output: {
          // zod and the line that makes it jitless travel together, so the setting is in force
          // before any other chunk can validate (the page's CSP forbids zod's eval probe).
          manualChunks: (id) => (id.includes('/node_modules/zod/') || id.endsWith('/renderer/src/csp.ts') ? 'zod' : undefined),
        },
      },
    },
  },
});
