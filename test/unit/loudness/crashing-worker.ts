/**
 * A worker for the pool tests: the real analysis worker, except that a file whose name
 * contains "crash" kills the thread, as a fault in a codec's WASM might.
 */
import '../../../electron/services/loudness/worker';
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (m: { type: string; file?: string }) => {
  if (m.type === 'analyse' && m.file?.includes('crash')) throw new Error('simulated codec crash');
});

// A file whose name contains "hang" gets no answer at all, as a decoder stuck in a loop.
parentPort?.on('message', (m: { type: string; file?: string }) => {
  if (m.type === 'analyse' && m.file?.includes('hang')) {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      // Busy, like a codec that never returns.
    }
  }
});
